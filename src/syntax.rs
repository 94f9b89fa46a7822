//! The byte classes and status sets of HTTP, each checked in one place: `tchar` and tokens
//! (RFC 9110 §5.6.2), field-value bytes (RFC 9110 §5.5, as `httparse` takes them), optional
//! whitespace, and the response statuses the head is read by (interim, without a body).

/// One bit per byte class, per byte value.
const TCHAR: u8 = 1;
const FIELD_VALUE: u8 = 2;

/// The class bits of every byte value.
static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let tchar = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        // HTAB, SP, visible ASCII and obs-text: every byte but the controls and DEL.
        let field_value = c == b'\t' || (c >= 0x20 && c != 0x7f);
        t[b] = if tchar { TCHAR } else { 0 } | if field_value { FIELD_VALUE } else { 0 };
        b += 1;
    }
    t
};

/// Whether `b` is a `tchar` (RFC 9110 §5.6.2): a letter, a digit or one of
/// ``!#$%&'*+-.^_`|~``.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    CLASSES[usize::from(b)] & TCHAR != 0
}

/// Whether `s` is a token (RFC 9110 §5.6.2): one `tchar` or more. No early exit, so a
/// name costs the same whatever it holds.
#[inline]
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().fold(true, |ok, &b| ok & is_tchar(b))
}

/// Whether `b` may be in a field value as `httparse` reads one (RFC 9110 §5.5 plus SP): HTAB,
/// SP, visible ASCII or obs-text; no other control byte (CR and LF included), no DEL.
#[inline]
pub(crate) fn is_field_value_byte(b: u8) -> bool {
    CLASSES[usize::from(b)] & FIELD_VALUE != 0
}

/// Whether every byte of `value` may be in a field value ([`is_field_value_byte`]).
///
/// A value of eight bytes or more is read eight bytes at a time, its last word overlapping
/// the one before, the words' flags gathered without a branch: if no word has a byte below
/// 0x20 or DEL, every byte is a field-value byte. Otherwise (a tab, or a bad byte), and for
/// a shorter value, every byte is looked at. (A branch per word with the last few bytes
/// looked at one by one was slower than the compiler's vector loop on long values; this is
/// faster than both at every length measured.)
pub(crate) fn is_field_value(value: &[u8]) -> bool {
    let n = value.len();
    if n >= 8 {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&value[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let mut suspect = 0;
        let mut i = 0;
        // (`<=` would read the last word twice: the same answer, an equivalent mutant.)
        while i + 8 < n {
            suspect |= control_or_del(word(i));
            i += 8;
        }
        if suspect | control_or_del(word(n - 8)) == 0 {
            return true;
        }
    }
    each_field_value_byte(value)
}

/// Nonzero exactly when a byte of `x` is below 0x20 or is DEL (a borrow only sets bits
/// above a byte that already matched; `0x7f ^ 0x7f` is a zero byte).
///
/// A change that only sets more flags (an `&` made `|` or `^`, a nonzero constant) sends
/// more words to the byte-by-byte look, which gives the same answer: such mutants are
/// equivalent, and only [`is_field_value`]'s speed tells them apart. A change that clears
/// flags makes a bad byte pass, which the tests below catch.
#[inline(always)]
fn control_or_del(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let del = x ^ (ONES * 0x7f);
    below | (del.wrapping_sub(ONES) & !del & HIGH)
}

/// [`is_field_value`] byte by byte, without an early exit.
fn each_field_value_byte(value: &[u8]) -> bool {
    let mut bad = 0u8;
    for &b in value {
        bad |= (u8::from(b < b' ') & u8::from(b != b'\t')) | u8::from(b == 0x7f);
    }
    bad == 0
}

/// `value` without its leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
pub(crate) fn trim_ows(value: &[u8]) -> &[u8] {
    trim_ows_end(trim_ows_start(value))
}

/// `value` without its leading spaces and tabs.
pub(crate) fn trim_ows_start(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    value
}

/// `value` without its trailing spaces and tabs.
pub(crate) fn trim_ows_end(mut value: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// `name == lower` ignoring ASCII case, eight bytes at a time. `lower` is lower-case letters
/// and `-`; `name` is an HTTP token or a field value's part (checked before), so OR-ing
/// 0x20 into each byte folds exactly (the only other byte it could take for `-` is CR,
/// never in a token or a field value).
#[inline(always)]
pub(crate) fn eq_name(name: &[u8], lower: &[u8]) -> bool {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    if n < 8 {
        return name.eq_ignore_ascii_case(lower);
    }
    let word = |s: &[u8], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let mut i = 0;
    while i + 8 < n {
        if word(name, i) | FOLD != word(lower, i) {
            return false;
        }
        i += 8;
    }
    word(name, n - 8) | FOLD == word(lower, n - 8)
}

/// An interim response (RFC 9110 §15.2): a `1xx` other than `101 Switching Protocols`, which
/// ends the exchange on that connection. The final head follows it.
#[inline]
pub(crate) fn is_interim(status: u16) -> bool {
    (100..200).contains(&status) && status != 101
}

/// A response that has no content whatever its fields say (RFC 9112 §6.3 item 1, RFC 9110
/// §6.4.1): `1xx`, `204 No Content`, `304 Not Modified`.
#[inline]
pub(crate) fn has_no_body(status: u16) -> bool {
    matches!(status, 100..=199 | 204 | 304)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes against their definitions written out byte by byte.
    #[test]
    fn byte_classes_match_the_grammar() {
        for b in 0..=255u8 {
            let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), tchar, "tchar {b:#04x}");
            let vchar = (0x21..=0x7e).contains(&b);
            let value = b == b'\t' || b == b' ' || vchar || b >= 0x80;
            assert_eq!(is_field_value_byte(b), value, "field value {b:#04x}");
            assert_eq!(
                is_field_value(&[b'a', b, b'z']),
                value,
                "in a value {b:#04x}"
            );
            assert_eq!(is_token(&[b]), tchar, "one-byte token {b:#04x}");
        }
    }

    /// Every byte at every place of a value longer than a vector step, alone and beside
    /// a tab: the answer is the class table's.
    #[test]
    fn each_byte_at_each_place_of_a_long_value() {
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut value = [b'a'; 20];
                value[at] = b;
                assert_eq!(
                    is_field_value(&value),
                    is_field_value_byte(b),
                    "{b:#04x} at {at}"
                );
                value[at ^ 1] = b'\t';
                assert_eq!(
                    is_field_value(&value),
                    is_field_value_byte(b),
                    "{b:#04x} at {at} beside a tab"
                );
            }
        }
    }

    /// Every length from one byte to five words, every byte at its first, middle and last
    /// place (the last word overlaps the one before it).
    #[test]
    fn each_byte_in_values_of_every_length() {
        for n in 1..70 {
            for b in 0..=255u8 {
                for at in [0, n / 2, n - 1] {
                    let mut value = alloc::vec![b'x'; n];
                    value[at] = b;
                    assert_eq!(
                        is_field_value(&value),
                        is_field_value_byte(b),
                        "{b:#04x} at {at} of {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn tokens_and_values_table() {
        let tokens: &[(&[u8], bool)] = &[
            (b"", false),
            (b"Location", true),
            (b"x-a.b_c~d|e^f`g'h*i+j!k#l$m%n&o", true),
            (b"has space", false),
            (b"colon:", false),
            (b"quote\"", false),
            (b"caf\xc3\xa9", false),
            (b"(comment)", false),
        ];
        for &(s, want) in tokens {
            assert_eq!(is_token(s), want, "{s:?}");
        }
        let values: &[(&[u8], bool)] = &[
            (b"", true),
            (b"text/html; charset=utf-8", true),
            (b"a\tb c", true),
            (b"caf\xc3\xa9 \xff", true),
            (b"a\r\n b", false),
            (b"nul\x00", false),
            (b"del\x7f", false),
            (b"\x1f", false),
            // The same bad byte at the same place of two words: their flags are equal.
            (b"\x01aaaaaaa\x01aaaaaaa", false),
            (b"a\x7faaaaaaa\x7faaaaaa", false),
            // Tabs at the same place of two words: suspect, then every byte is fine.
            (b"\taaaaaaa\taaaaaaa", true),
            // Longer than one vector, the bad byte last.
            (
                b"0123456789abcdef0123456789abcdef0123456789abcdef\x0b",
                false,
            ),
        ];
        for &(s, want) in values {
            assert_eq!(is_field_value(s), want, "{s:?}");
        }
    }

    #[test]
    fn ows_is_spaces_and_tabs_only() {
        let rows: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b" \t a b \t", b"a b"),
            (b"\r\na\x0b", b"\r\na\x0b"),
            (b"   ", b""),
        ];
        for &(value, want) in rows {
            assert_eq!(trim_ows(value), want, "{value:?}");
        }
        assert_eq!(trim_ows_start(b" a "), b"a ");
        assert_eq!(trim_ows_end(b" a "), b" a");
    }

    #[test]
    fn names_compare_without_case() {
        let rows: &[(&[u8], &[u8], bool)] = &[
            (b"Location", b"location", true),
            (b"LOCATION", b"location", true),
            (b"Locatio", b"location", false),
            (
                b"Strict-Transport-Security",
                b"strict-transport-security",
                true,
            ),
            (
                b"Strict-Transport-Securitx",
                b"strict-transport-security",
                false,
            ),
            (
                b"Xtrict-Transport-Security",
                b"strict-transport-security",
                false,
            ),
            (b"Upgrade", b"upgrade", true),
        ];
        for &(name, lower, want) in rows {
            assert_eq!(eq_name(name, lower), want, "{name:?} {lower:?}");
        }
    }

    #[test]
    fn status_sets_table() {
        // (status, interim, no body)
        let rows = [
            (100, true, true),
            (101, false, true),
            (103, true, true),
            (199, true, true),
            (200, false, false),
            (204, false, true),
            (205, false, false),
            (302, false, false),
            (304, false, true),
            (99, false, false),
            (999, false, false),
        ];
        for (status, interim, no_body) in rows {
            assert_eq!(is_interim(status), interim, "{status} interim");
            assert_eq!(has_no_body(status), no_body, "{status} no body");
        }
    }
}
