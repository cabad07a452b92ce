//! A bot of your own: the built-in commands plus `roll`, with typed arguments and shared state.
//!
//! Run it like the `ackbot` binary: `cargo run --example dice -- serve` (or `-- demo`).

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ackbot::prelude::*;

/// Dice such as `2d6`: how many, and how many sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dice {
    count: u32,
    sides: u32,
}

impl FromStr for Dice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (count, sides) = s.split_once('d').ok_or("write dice like 2d6")?;
        let count = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| "the count must be a number")?
        };
        let sides: u32 = sides.parse().map_err(|_| "the sides must be a number")?;
        if !(1..=100).contains(&count) || !(2..=1000).contains(&sides) {
            return Err("from 1 to 100 dice of 2 to 1000 sides".into());
        }
        Ok(Dice { count, sides })
    }
}

/// A counter shared by every handler call, as `State<Rolls>`.
#[derive(Clone, Default)]
pub struct Rolls(Arc<AtomicU64>);

/// Roll dice, e.g. `roll 2d6`.
async fn roll(
    Args(dice): Args<Dice>,
    user: User,
    platform: Platform,
    State(rolls): State<Rolls>,
) -> Reply {
    let seed = rolls.0.fetch_add(1, Ordering::Relaxed) + clock_seed();
    let total: u64 = (0..dice.count as u64)
        .map(|i| {
            (seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(i * 1442695040888963407)
                >> 33)
                % dice.sides as u64
                + 1
        })
        .sum();
    Reply::text(format!(
        "{} rolled {}d{}: {total}",
        user.mention_on(platform),
        dice.count,
        dice.sides
    ))
    .in_channel()
}

/// Enough randomness for dice, without a dependency.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let bot = Bot::new()
        .mount(bot_handlers::builtins())
        .command("roll", roll)
        .about("Roll dice")
        .usage("2d6")
        .state(Rolls::default());
    match bot.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dice: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
