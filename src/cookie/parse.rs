//! Parsing a `Set-Cookie` field value (draft-ietf-httpbis-rfc6265bis §5.6) and the
//! cookie-date algorithm (§5.1.1). Pure functions: no jar, no clock.

use super::SameSite;

/// The largest name + value, in bytes (§5.6 of "parse a Set-Cookie").
pub(crate) const MAX_NAME_VALUE: usize = 4096;
/// The largest attribute value kept; a longer one is ignored (§5.6).
pub(crate) const MAX_ATTRIBUTE_VALUE: usize = 1024;

/// A `Set-Cookie` as parsed, before the storage model looks at the request URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) value: &'a [u8],
    /// The last `Expires` that parsed, as Unix seconds (0 for any date before 1970).
    pub(crate) expires: Option<u64>,
    /// The last valid `Max-Age`, in seconds (may be zero or negative).
    pub(crate) max_age: Option<i64>,
    /// The last `Domain` (leading dot removed); `Some("")` for an empty one.
    pub(crate) domain: Option<&'a [u8]>,
    /// The last `Path` that starts with `/` (`None`: use the default path).
    pub(crate) path: Option<&'a [u8]>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
}

/// Why a field is not a cookie at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotACookie {
    /// A control character (other than HTAB), or both name and value empty.
    Invalid,
    /// Name and value are longer than [`MAX_NAME_VALUE`] together.
    TooLarge,
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Removes leading and trailing SP and HTAB.
pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_wsp(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_wsp(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// §5.6: a control character other than HTAB (%x00-08 / %x0A-1F / %x7F).
pub(crate) fn has_ctl(s: &[u8]) -> bool {
    !crate::syntax::is_field_value(s)
}

/// Parses one `Set-Cookie` field value (draft-ietf-httpbis-rfc6265bis §5.6).
pub(crate) fn parse_set_cookie(field: &[u8]) -> Result<Parsed<'_>, NotACookie> {
    if has_ctl(field) {
        return Err(NotACookie::Invalid);
    }
    let (pair, mut rest) = match field.iter().position(|&b| b == b';') {
        Some(i) => (&field[..i], Some(&field[i + 1..])),
        None => (field, None),
    };
    // §5.6: no `=` means an empty name and the whole pair as value.
    let (name, value) = match pair.iter().position(|&b| b == b'=') {
        Some(i) => (trim(&pair[..i]), trim(&pair[i + 1..])),
        None => (&b""[..], trim(pair)),
    };
    if name.len() + value.len() > MAX_NAME_VALUE {
        return Err(NotACookie::TooLarge);
    }
    if name.is_empty() && value.is_empty() {
        return Err(NotACookie::Invalid);
    }
    let mut parsed = Parsed {
        name,
        value,
        ..Parsed::default()
    };
    while let Some(unparsed) = rest {
        let (av, next) = match unparsed.iter().position(|&b| b == b';') {
            Some(i) => (&unparsed[..i], Some(&unparsed[i + 1..])),
            None => (unparsed, None),
        };
        rest = next;
        let (attr, val) = match av.iter().position(|&b| b == b'=') {
            Some(i) => (trim(&av[..i]), trim(&av[i + 1..])),
            None => (trim(av), &b""[..]),
        };
        if val.len() > MAX_ATTRIBUTE_VALUE {
            continue;
        }
        apply_attribute(&mut parsed, attr, val);
    }
    Ok(parsed)
}

/// §5.6.1 to §5.6.7: one attribute; an unknown or invalid one is ignored.
fn apply_attribute<'a>(parsed: &mut Parsed<'a>, attr: &[u8], val: &'a [u8]) {
    if attr.eq_ignore_ascii_case(b"expires") {
        if let Some(t) = parse_cookie_date(val) {
            parsed.expires = Some(t);
        }
    } else if attr.eq_ignore_ascii_case(b"max-age") {
        if let Some(n) = parse_max_age(val) {
            parsed.max_age = Some(n);
        }
    } else if attr.eq_ignore_ascii_case(b"domain") {
        parsed.domain = Some(val.strip_prefix(b".").unwrap_or(val));
    } else if attr.eq_ignore_ascii_case(b"path") {
        // §5.6.4: empty, or not starting with `/`: the default path.
        parsed.path = if val.first() == Some(&b'/') {
            Some(val)
        } else {
            None
        };
    } else if attr.eq_ignore_ascii_case(b"secure") {
        parsed.secure = true;
    } else if attr.eq_ignore_ascii_case(b"httponly") {
        parsed.http_only = true;
    } else if attr.eq_ignore_ascii_case(b"samesite") {
        parsed.same_site = if val.eq_ignore_ascii_case(b"strict") {
            SameSite::Strict
        } else if val.eq_ignore_ascii_case(b"lax") {
            SameSite::Lax
        } else if val.eq_ignore_ascii_case(b"none") {
            SameSite::None
        } else {
            SameSite::Default
        };
    }
}

/// §5.6.2: `-`? DIGIT+; a value too large saturates.
fn parse_max_age(val: &[u8]) -> Option<i64> {
    let (negative, digits) = match val.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, val),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0i64, |n, &d| {
        n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    Some(if negative { -n } else { n })
}

/// §5.1.1 delimiter: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2f | 0x3b..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e)
}

/// `1*max DIGIT` at the start of `s`, then the end or a non-digit: the number and the rest.
fn digits(s: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    let value = s[..n]
        .iter()
        .fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
    Some((value, &s[n..]))
}

fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (h, rest) = digits(token, 1, 2)?;
    let (m, rest) = digits(rest.strip_prefix(b":")?, 1, 2)?;
    let (s, _) = digits(rest.strip_prefix(b":")?, 1, 2)?;
    Some((h, m, s))
}

fn parse_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    MONTHS
        .iter()
        .position(|m| prefix.eq_ignore_ascii_case(&m[..]))
        .map(|i| i as u32 + 1)
}

/// The cookie-date algorithm (§5.1.1): Unix seconds, 0 for a date before 1970.
pub(crate) fn parse_cookie_date(s: &[u8]) -> Option<u64> {
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in s.split(|&b| is_delimiter(b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = parse_time(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some((d, _)) = digits(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = parse_month(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some((y, _)) = digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let ((hour, minute, second), day, month, mut year) = (time?, day?, month?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(u64::try_from(secs).unwrap_or(0))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_dates() {
        // (section, input, Unix seconds)
        let table: &[(&str, &str, Option<u64>)] = &[
            (
                "§5.1.1 IMF-fixdate",
                "Sun, 06 Nov 1994 08:49:37 GMT",
                Some(784_111_777),
            ),
            (
                "§5.1.1 RFC 850 form",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                Some(784_111_777),
            ),
            (
                "§5.1.1 asctime form",
                "Sun Nov  6 08:49:37 1994",
                Some(784_111_777),
            ),
            ("§5.1.1 epoch", "Thu, 01-Jan-1970 00:00:00 GMT", Some(0)),
            ("§5.1.1 year 70..99 +1900", "01 Jan 70 00:00:01", Some(1)),
            (
                "§5.1.1 year 0..69 +2000",
                "01 Jan 38 00:00:00",
                Some(2_145_916_800),
            ),
            (
                "§5.1.1 before 1970 saturates",
                "01 Jan 1601 00:00:00",
                Some(0),
            ),
            ("§5.1.1 year < 1601", "01 Jan 1600 00:00:00", None),
            ("§5.1.1 hour > 23", "01 Jan 2000 24:00:00", None),
            ("§5.1.1 minute > 59", "01 Jan 2000 00:60:00", None),
            ("§5.1.1 second > 59", "01 Jan 2000 00:00:60", None),
            ("§5.1.1 day 0", "00 Jan 2000 00:00:00", None),
            ("§5.1.1 day 32", "32 Jan 2000 00:00:00", None),
            ("§5.1.1 no such date", "30 Feb 2000 00:00:00", None),
            ("§5.1.1 leap day", "29 Feb 2000 00:00:00", Some(951_782_400)),
            ("§5.1.1 no time", "01 Jan 2000", None),
            ("§5.1.1 no month", "01 2000 00:00:00", None),
            (
                "§5.1.1 month prefix",
                "01 JANUARY 2000 00:00:00",
                Some(946_684_800),
            ),
            (
                "§5.1.1 3-digit day is no day",
                "001 Jan 2000 00:00:00",
                None,
            ),
            ("§5.1.1 empty", "", None),
            (
                "§5.1.1 trailing text after digits",
                "01x Jan 2000 00:00:00",
                Some(946_684_800),
            ),
        ];
        for (section, input, want) in table {
            assert_eq!(
                parse_cookie_date(input.as_bytes()),
                *want,
                "{section}: {input:?}"
            );
        }
    }

    #[test]
    fn set_cookie_fields() {
        type Row = (
            &'static str,
            &'static str,
            Result<(&'static str, &'static str), NotACookie>,
        );
        let table: &[Row] = &[
            ("§5.6", "a=b", Ok(("a", "b"))),
            ("§5.6 trims WSP", " a \t= b ; Path=/", Ok(("a", "b"))),
            ("§5.6 nameless", "value", Ok(("", "value"))),
            ("§5.6 value keeps later =", "a=b=c", Ok(("a", "b=c"))),
            ("§5.6 quotes kept", "a=\"b\"", Ok(("a", "\"b\""))),
            ("§5.6 empty value", "a=", Ok(("a", ""))),
            ("§5.6 both empty", "=", Err(NotACookie::Invalid)),
            ("§5.6 nothing", "", Err(NotACookie::Invalid)),
            ("§5.6 CTL", "a=b\x01", Err(NotACookie::Invalid)),
            (
                "§5.6 CTL in attribute",
                "a=b; Path=/\x7f",
                Err(NotACookie::Invalid),
            ),
            ("§5.6 HTAB allowed", "a=\tb", Ok(("a", "b"))),
        ];
        for (section, input, want) in table {
            let got = parse_set_cookie(input.as_bytes()).map(|p| (p.name, p.value));
            let want = want.map(|(n, v)| (n.as_bytes(), v.as_bytes()));
            assert_eq!(got, want, "{section}: {input:?}");
        }
        let big = alloc::format!("a={}", "x".repeat(MAX_NAME_VALUE));
        assert_eq!(parse_set_cookie(big.as_bytes()), Err(NotACookie::TooLarge));
        let fits = alloc::format!("a={}", "x".repeat(MAX_NAME_VALUE - 1));
        assert!(parse_set_cookie(fits.as_bytes()).is_ok());
    }

    #[test]
    fn attributes() {
        let p = |s: &'static str| parse_set_cookie(s.as_bytes()).unwrap();
        // (section, field, check)
        assert_eq!(p("a=b; Max-Age=10").max_age, Some(10), "§5.6.2");
        assert_eq!(p("a=b; Max-Age=-1").max_age, Some(-1), "§5.6.2 negative");
        assert_eq!(p("a=b; Max-Age=1x").max_age, None, "§5.6.2 not digits");
        assert_eq!(p("a=b; Max-Age=+1").max_age, None, "§5.6.2 plus");
        assert_eq!(
            p("a=b; max-age=5; Max-Age=7").max_age,
            Some(7),
            "§5.6 last wins"
        );
        assert_eq!(
            p("a=b; Domain=.A.test").domain,
            Some(&b"A.test"[..]),
            "§5.6.3 dot"
        );
        assert_eq!(p("a=b; Domain=").domain, Some(&b""[..]), "§5.6.3 empty");
        assert_eq!(p("a=b; Path=/x").path, Some(&b"/x"[..]), "§5.6.4");
        assert_eq!(p("a=b; Path=x").path, None, "§5.6.4 no slash: default");
        assert_eq!(p("a=b; Path=/x; Path=").path, None, "§5.6.4 last wins");
        assert!(p("a=b; seCURe").secure, "§5.6.5 case-insensitive");
        assert!(p("a=b; Secure=yes").secure, "§5.6.5 value ignored");
        assert!(p("a=b; HttpOnly").http_only, "§5.6.6");
        assert_eq!(p("a=b; SameSite=lax").same_site, SameSite::Lax, "§5.6.7");
        assert_eq!(p("a=b; SameSite=None").same_site, SameSite::None, "§5.6.7");
        assert_eq!(
            p("a=b; SameSite=x").same_site,
            SameSite::Default,
            "§5.6.7 unknown"
        );
        assert_eq!(
            p("a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT").expires,
            Some(0),
            "§5.6.1"
        );
        assert_eq!(
            p("a=b; Expires=never").expires,
            None,
            "§5.6.1 bad date ignored"
        );
        let long = alloc::format!("a=b; Path=/{}", "p".repeat(MAX_ATTRIBUTE_VALUE));
        assert_eq!(p(long.leak()).path, None, "§5.6 attribute > 1024 ignored");
    }
}
