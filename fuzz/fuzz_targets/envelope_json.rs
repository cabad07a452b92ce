//! `Envelope::from_json` on arbitrary bytes: never panics, and whatever decodes encodes and
//! decodes to itself.
#![no_main]

use ackbot_core::adapter::Envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::from_json(data) {
        let again =
            Envelope::from_json(&envelope.to_json()).expect("an Envelope's own JSON decodes");
        assert_eq!(again, envelope);
    }
});
