// A return type no platform can be sent, asked for where a handler's output is required.
use ackbot_core::IntoOutput;

fn output<T: IntoOutput>() {}

fn main() {
    output::<std::path::PathBuf>();
}
