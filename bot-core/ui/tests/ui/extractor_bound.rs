// A type that is no extractor, asked for where an extractor is required.
use ackbot_core::FromIncoming;

fn extract<T: FromIncoming>() {}

fn main() {
    extract::<std::path::PathBuf>();
}
