//! Injectable time and identifiers, so that messages, journals, evidence and snapshots can be
//! made reproducible: production uses [`SystemClock`] and [`RandomIds`]; tests and `--seed`
//! runs use [`FixedClock`] and [`SeededIds`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// A source of UUIDs for MessageID, trackingid, payload and error ids.
pub trait IdSource: Send + Sync {
    /// A fresh UUID.
    fn next_uuid(&self) -> uuid::Uuid;

    /// A fresh UUID in the upper-case form the ITK schemas require.
    fn next_id(&self) -> String {
        upper_uuid(self.next_uuid())
    }
}

/// A UUID in upper-case hyphenated form (`[A-F0-9]{8}-…`), as the DE schema's `itk:uuid`
/// pattern and the real service's messages have it.
pub fn upper_uuid(id: uuid::Uuid) -> String {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    id.hyphenated().encode_upper(&mut buf).to_owned()
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that starts at a fixed instant and advances by a fixed step on every reading, so
/// successive messages have distinct, predictable times.
#[derive(Debug)]
pub struct FixedClock {
    start: OffsetDateTime,
    step_millis: i64,
    readings: AtomicU64,
}

impl FixedClock {
    /// A clock that always reads `at`.
    pub fn at(at: OffsetDateTime) -> FixedClock {
        FixedClock::stepping(at, 0)
    }

    /// A clock that reads `start`, then `start + step`, and so on.
    pub fn stepping(start: OffsetDateTime, step_millis: i64) -> FixedClock {
        FixedClock {
            start,
            step_millis,
            readings: AtomicU64::new(0),
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        let n = self.readings.fetch_add(1, Ordering::Relaxed) as i64;
        self.start + time::Duration::milliseconds(n.saturating_mul(self.step_millis))
    }
}

/// Random (v4) UUIDs.
///
/// Each thread draws 128 bits from the operating system (through `uuid`'s v4 generator) and
/// then makes ids from them and a counter, mixed by SplitMix64's finaliser, drawing afresh
/// every [`RandomIds::RESEED_EVERY`] ids. Ids are unique (the counter never repeats under one
/// seed, and two seeds collide with negligible probability) and unpredictable without the
/// seed, and a busy simulator makes one system call per thousands of ids rather than one per id
/// (three per response).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl RandomIds {
    /// How many ids a thread makes from one draw of operating-system randomness.
    pub const RESEED_EVERY: u32 = 4096;
}

/// One thread's seed and how many ids it has made from it.
struct ThreadIds {
    seed: [u64; 2],
    made: u32,
}

thread_local! {
    static THREAD_IDS: std::cell::RefCell<ThreadIds> = const {
        std::cell::RefCell::new(ThreadIds { seed: [0, 0], made: RandomIds::RESEED_EVERY })
    };
}

/// SplitMix64's increment (the golden ratio in 64 bits), also a good odd multiplier for mixing.
pub const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a bijection of `u64` that spreads every input bit. Also the last
/// step of the simulator's cheap index hasher.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64: a small, fast, well-mixed sequence determined by its seed. Seeded ids, the
/// generated scenarios and the test mutations draw from it; never for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// The sequence for `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix(self.0)
    }

    /// A number below `n` (0 when `n` is 0; the tiny modulo bias does not matter for made-up
    /// data).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

impl IdSource for RandomIds {
    fn next_uuid(&self) -> uuid::Uuid {
        THREAD_IDS.with(|cell| {
            let mut ids = cell.borrow_mut();
            if ids.made >= RandomIds::RESEED_EVERY {
                let fresh = uuid::Uuid::new_v4().as_u128();
                ids.seed = [(fresh >> 64) as u64, fresh as u64];
                ids.made = 0;
            }
            ids.made += 1;
            let n = u64::from(ids.made).wrapping_mul(GOLDEN_GAMMA);
            let hi = mix(ids.seed[0].wrapping_add(n));
            let lo = mix(ids.seed[1] ^ n);
            uuid::Builder::from_random_bytes(
                ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes(),
            )
            .into_uuid()
        })
    }
}

/// Deterministic v4-shaped UUIDs from a seed (SplitMix64), for reproducible runs.
#[derive(Debug)]
pub struct SeededIds {
    state: Mutex<SplitMix64>,
}

impl SeededIds {
    /// A sequence determined by `seed`.
    pub fn new(seed: u64) -> SeededIds {
        SeededIds {
            state: Mutex::new(SplitMix64::new(seed)),
        }
    }
}

impl IdSource for SeededIds {
    fn next_uuid(&self) -> uuid::Uuid {
        // A poisoned lock only means another thread panicked mid-update; the state is a plain
        // integer and still usable.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let hi = state.next_u64();
        let lo = state.next_u64();
        uuid::Builder::from_random_bytes(((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes())
            .into_uuid()
    }
}

/// Formats an instant as the xs:dateTime WS-Security uses: UTC, `Z`, no fractional seconds.
pub fn ws_datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_for_the_same_seed_and_are_upper_case() {
        let a = SeededIds::new(7);
        let b = SeededIds::new(7);
        let x: Vec<String> = (0..3).map(|_| a.next_id()).collect();
        let y: Vec<String> = (0..3).map(|_| b.next_id()).collect();
        assert_eq!(x, y);
        assert_ne!(x[0], x[1]);
        assert!(
            x[0].chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(x[0].len(), 36);
    }

    #[test]
    fn random_ids_are_distinct_v4_across_reseeds_and_threads() {
        let mut seen = std::collections::HashSet::new();
        let n = RandomIds::RESEED_EVERY as usize * 2 + 10;
        for _ in 0..n {
            let id = RandomIds.next_uuid();
            assert_eq!(id.get_version_num(), 4);
            assert!(seen.insert(id));
        }
        let other: Vec<uuid::Uuid> =
            std::thread::spawn(|| (0..100).map(|_| RandomIds.next_uuid()).collect())
                .join()
                .unwrap();
        assert!(other.iter().all(|id| !seen.contains(id)));
    }

    #[test]
    fn stepping_clock_advances() {
        let c = FixedClock::stepping(time::macros::datetime!(2026-11-21 10:00:00 UTC), 1500);
        assert_eq!(ws_datetime(c.now()), "2026-11-21T10:00:00Z");
        assert_eq!(ws_datetime(c.now()), "2026-11-21T10:00:01Z");
    }
}
