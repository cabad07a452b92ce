//! Async functions as handlers: the glue between extractors, the function and its replies.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::HandlerError;
use crate::answer::{IntoOutput, Output};
use crate::extract::{FromIncoming, Rejection, Request, Requirements};

/// Why a handler produced no replies of its own.
#[derive(Debug)]
pub enum HandlerFailure {
    /// An extractor refused the request (bad arguments, missing state).
    Rejected(Rejection),
    /// The handler returned an error.
    Handler(HandlerError),
}

/// An async function whose arguments are extractors. `T` is the tuple of argument types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler",
    label = "not a handler",
    note = "a handler is an `async fn` (or a closure returning a future) that is `Clone + Send + \
            Sync + 'static`, takes at most 6 arguments that each implement `FromIncoming` \
            (extractors: `Text`, `Args<T>`, `State<T>`, `User`, …), and returns something that \
            implements `IntoOutput` (`Reply`, `String`, `()`, `Vec<Reply>`, `Result<_, E>` …)"
)]
pub trait Handler<T>: Clone + Send + Sync + 'static {
    /// Extracts the arguments and runs the function.
    fn call(self, request: Request) -> BoxFuture<'static, Result<Output, HandlerFailure>>;

    /// What the arguments' extractors need from the bot.
    fn requirements(requirements: &mut Requirements);
}

macro_rules! impl_handler {
    ($($ty:ident),*) => {
        #[allow(non_snake_case, unused_variables)]
        impl<F, Fut, Out, $($ty,)*> Handler<($($ty,)*)> for F
        where
            F: Fn($($ty,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Out> + Send + 'static,
            Out: IntoOutput,
            $($ty: FromIncoming + Send + 'static,)*
        {
            fn call(self, request: Request) -> BoxFuture<'static, Result<Output, HandlerFailure>> {
                $(
                    let $ty = match $ty::from_incoming(&request) {
                        Ok(value) => value,
                        Err(e) => {
                            let rejection = e.into();
                            return Box::pin(async move { Err(HandlerFailure::Rejected(rejection)) });
                        }
                    };
                )*
                let fut = self($($ty,)*);
                Box::pin(async move { fut.await.into_output().map_err(HandlerFailure::Handler) })
            }

            fn requirements(requirements: &mut Requirements) {
                $( $ty::requirements(requirements); )*
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);
impl_handler!(T1, T2, T3, T4, T5);
impl_handler!(T1, T2, T3, T4, T5, T6);

type ErasedFn = dyn Fn(Request) -> BoxFuture<'static, Result<Output, HandlerFailure>> + Send + Sync;

/// A handler with its argument types erased, as the bot stores it, with what it needs.
#[derive(Clone)]
pub(crate) struct BoxedHandler {
    call: Arc<ErasedFn>,
    pub(crate) requirements: Arc<Requirements>,
}

impl BoxedHandler {
    pub(crate) fn new<H: Handler<T>, T>(handler: H) -> Self {
        let mut requirements = Requirements::default();
        H::requirements(&mut requirements);
        Self {
            call: Arc::new(move |request| handler.clone().call(request)),
            requirements: Arc::new(requirements),
        }
    }

    pub(crate) fn call(
        &self,
        request: Request,
    ) -> BoxFuture<'static, Result<Output, HandlerFailure>> {
        (self.call)(request)
    }
}
