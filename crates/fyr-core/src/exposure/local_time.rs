//! Swedish local time (Europe/Stockholm) for digest schedules, using the EU
//! rule implemented in `fyr_exposure::notice::stockholm_offset_seconds`.

use fyr_exposure::notice::stockholm_offset_seconds;

/// The UTC offset of Swedish local time at a UNIX time, in seconds.
pub fn stockholm_offset(unix: i64) -> i64 {
    i64::from(stockholm_offset_seconds(unix).unwrap_or(3600))
}

/// The UNIX time of `minute` minutes after local midnight on the local day
/// that contains `now`.
pub fn local_time_today(now: i64, minute: i64) -> i64 {
    let offset = stockholm_offset(now);
    let local = now + offset;
    let midnight_local = local - local.rem_euclid(86_400);
    let minute = minute.clamp(0, 1439);
    // Across a DST switch the offset at the digest time may differ from now's.
    let candidate = midnight_local + minute * 60 - offset;
    midnight_local + minute * 60 - stockholm_offset(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_time_today() {
        // 2026-11-22 10:00 UTC = 11:00 local; 07:00 local = 06:00 UTC.
        assert_eq!(local_time_today(1_795_341_600, 7 * 60), 1_795_327_200);
        // Summer: 2026-07-01 10:00 UTC; 07:00 local = 05:00 UTC.
        assert_eq!(local_time_today(1_782_900_000, 7 * 60), 1_782_882_000);
        // On the spring switch day (2026-03-29), 07:00 local is already CEST: 05:00 UTC.
        assert_eq!(local_time_today(1_774_778_400, 7 * 60), 1_774_760_400);
    }
}
