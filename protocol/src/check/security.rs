//! WS-Security rules: the Timestamp (present, well-formed, in UTC, ordered, current) and the
//! Username (SPEC.md §1.5). Mirrors TKW's GEN_validate_soapEnvelope, `dateTimeValidator`,
//! `timestampChecks.xslt` and the autotest triggers ATM_NoTimeStamp,
//! ATM_InvalidCreatedTimeStamp, ATM_InvalidExpiredTimeStamp and ATM_NoUsernameElement.
//!
//! Responses carry no Security header (SPEC.md §1.6), so only the presence rules are limited
//! to requests; a Timestamp that is present is judged in any message.

use time::Duration;

use super::text::{UuidCase, XsDateTime, parse_xs_datetime, split_prefixed_uuid, uuid_case};
use super::{Sink, Subject, loc};
use crate::model::Timestamp;

fn timestamp<'a>(s: &Subject<'a>) -> Option<&'a Timestamp> {
    s.envelope.header.security.as_ref()?.timestamp.as_ref()
}

/// Created and Expires, each parsed when present and well-formed (once per message: several
/// rules compare them).
fn times(s: &Subject) -> (Option<XsDateTime>, Option<XsDateTime>) {
    *s.times.get_or_init(|| {
        let Some(t) = timestamp(s) else {
            return (None, None);
        };
        let parse = |v: &Option<String>| v.as_deref().and_then(|v| parse_xs_datetime(v).ok());
        (parse(&t.created), parse(&t.expires))
    })
}

/// wsse.timestamp.present.
pub(super) fn timestamp_present(s: &Subject, out: &mut Sink) {
    match &s.envelope.header.security {
        None => out.error(
            loc::SECURITY,
            "wsse:Security is missing, so there is no wsu:Timestamp",
        ),
        Some(sec) if sec.timestamp.is_none() => {
            out.error(loc::TIMESTAMP, "wsse:Security has no wsu:Timestamp")
        }
        Some(_) => {}
    }
}

/// wsse.timestamp.format: both times present and xs:dateTime-shaped, and real dates (TKW's
/// regex alone would accept 2016-02-30).
pub(super) fn timestamp_format(s: &Subject, out: &mut Sink) {
    let Some(t) = timestamp(s) else { return };
    let (created, expires) = times(s);
    for (name, location, value, parsed) in [
        ("wsu:Created", loc::CREATED, &t.created, created),
        ("wsu:Expires", loc::EXPIRES, &t.expires, expires),
    ] {
        match value.as_deref() {
            None => out.error(location, format!("{name} is missing from wsu:Timestamp")),
            // Parsed again only to say why it failed.
            Some(v) if parsed.is_none() => {
                if let Err(why) = parse_xs_datetime(v) {
                    out.error(location, format!("{name} {why}"));
                }
            }
            Some(_) => {}
        }
    }
}

/// wsse.timestamp.utc: MSCA-AUD-07 wants times that follow the time-zone guidance; a time
/// with neither `Z` nor an offset is local time of an unknown zone. TKW's regex tolerates it.
pub(super) fn timestamp_utc(s: &Subject, out: &mut Sink) {
    let Some(t) = timestamp(s) else { return };
    let (created, expires) = times(s);
    for (name, location, value, parsed) in [
        ("wsu:Created", loc::CREATED, &t.created, created),
        ("wsu:Expires", loc::EXPIRES, &t.expires, expires),
    ] {
        if let Some(v) = value.as_deref()
            && let Some(parsed) = parsed
            && !parsed.zoned
        {
            out.error(
                location,
                format!(
                    "{name} {v:?} has no time zone; send UTC with a Z (e.g. {v}Z) or an explicit offset (MSCA-AUD-07)"
                ),
            );
        }
    }
}

/// wsse.timestamp.order: Created must be before Expires (TKW timestampChecks.xslt).
pub(super) fn timestamp_order(s: &Subject, out: &mut Sink) {
    let (Some(created), Some(expires)) = times(s) else {
        return;
    };
    if created.at >= expires.at {
        let t = timestamp(s);
        let text = |v: Option<&String>| v.cloned().unwrap_or_default();
        out.error(
            loc::EXPIRES,
            format!(
                "wsu:Expires {:?} is not after wsu:Created {:?}",
                text(t.and_then(|t| t.expires.as_ref())),
                text(t.and_then(|t| t.created.as_ref())),
            ),
        );
    }
}

/// wsse.timestamp.expired: only with a receive time in the context.
pub(super) fn timestamp_expired(s: &Subject, out: &mut Sink) {
    let (Some(now), (_, Some(expires))) = (s.cx.now, times(s)) else {
        return;
    };
    if expires.at <= now {
        out.error(
            loc::EXPIRES,
            format!(
                "the Timestamp expired at {} but the message was received at {}",
                expires.at, now
            ),
        );
    }
}

/// wsse.timestamp.future: Created later than now plus the allowed clock skew means the
/// sender's clock is wrong (MSCA-AUD-06 asks for a stratum-3 time source).
pub(super) fn timestamp_future(s: &Subject, out: &mut Sink) {
    let (Some(now), (Some(created), _)) = (s.cx.now, times(s)) else {
        return;
    };
    let skew = s.cx.max_clock_skew_seconds.max(0);
    // An absurd skew that overflows the calendar allows any Created.
    let Some(limit) = now.checked_add(Duration::seconds(skew)) else {
        return;
    };
    if created.at > limit {
        out.error(
            loc::CREATED,
            format!(
                "wsu:Created {} is {} s after the receive time {} (more than the {skew} s allowed for clock skew)",
                created.at,
                (created.at - now).whole_seconds(),
                now
            ),
        );
    }
}

/// wsse.timestamp.id-format: TKW wants `[a-zA-Z_:]*` + upper-case UUID and only warns.
pub(super) fn timestamp_id_format(s: &Subject, out: &mut Sink) {
    let Some(id) = timestamp(s).and_then(|t| t.id.as_deref()) else {
        return;
    };
    match split_prefixed_uuid(id) {
        None => out.warning(
            loc::TIMESTAMP_ID,
            format!("wsu:Id {id:?} is not a UUID (optionally after a [a-zA-Z_:]* prefix)"),
        ),
        Some((_, uuid)) if uuid_case(uuid) == Some(UuidCase::Lower) => out.warning(
            loc::TIMESTAMP_ID,
            format!("wsu:Id {id:?} uses lower-case hex; upper case is recommended (WS-ADR-01)"),
        ),
        Some(_) => {}
    }
}

/// wsse.username.present: TKW answers a missing Username with fault 3000 (access denied).
pub(super) fn username_present(s: &Subject, out: &mut Sink) {
    let Some(sec) = &s.envelope.header.security else {
        out.error(
            loc::SECURITY,
            "wsse:Security is missing, so there is no wsse:Username identifying the caller",
        );
        return;
    };
    match sec.username.as_deref() {
        None => out.error(
            loc::USERNAME_TOKEN,
            "wsse:UsernameToken/wsse:Username is missing",
        ),
        Some(u) if u.trim().is_empty() => out.error(loc::USERNAME, "wsse:Username is empty"),
        Some(_) => {}
    }
}
