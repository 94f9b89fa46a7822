//! What the request headers keep of caller fields removed on earlier redirects, and the
//! list [`Redirect::removed_headers`](crate::Redirect::removed_headers) reads from it.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{Class, Headers, RemovalReason};

/// Caller fields removed on earlier redirects, as [`Headers::removed`] reports them, in
/// its order: rounds of the same names and reasons (`round`), the first removed on
/// redirect `at`, the next on `at + step`, and so on; `rounds` of them complete (the first
/// counts as complete while it grows), then `part` members of the next one. A field
/// removed for good on an earlier redirect can never come back (only the current redirect
/// can be taken back), so only this is kept of it: headers edited on every hop add to
/// `rounds`, not fields.
#[derive(Debug, Clone)]
pub(super) struct Gone {
    pub(super) round: Vec<(Box<str>, RemovalReason)>,
    pub(super) at: u32,
    pub(super) step: u32,
    pub(super) rounds: u32,
    pub(super) part: u32,
    /// The `seq` of the first and the last field it stands for; no field that
    /// `removed_headers` may list has one in between.
    pub(super) first: u64,
    pub(super) last: u64,
}

impl Gone {
    /// How many fields it stands for.
    pub(super) fn len(&self) -> u64 {
        u64::from(self.rounds) * self.round.len() as u64 + u64::from(self.part)
    }

    /// Member `m`: its name, reason and redirect.
    pub(super) fn member(&self, m: u64) -> Option<(&str, RemovalReason, u32)> {
        let width = self.round.len() as u64;
        let (name, reason) = self.round.get(usize::try_from(m % width).ok()?)?;
        let r = u32::try_from(m / width).ok()?;
        let at = self.step.checked_mul(r)?.checked_add(self.at)?;
        Some((name, *reason, at))
    }

    /// Takes the caller field `name` removed on redirect `at`, when it continues the run:
    /// while the first round is open, any field removed on its redirect; then the next
    /// member of the round, on its round's redirect.
    pub(super) fn extend(&mut self, name: &str, reason: RemovalReason, at: u32) -> bool {
        let first_open = self.rounds == 1 && self.part == 0;
        if first_open && at == self.at {
            self.round.push((name.into(), reason));
            return true;
        }
        let Some((own, own_reason)) = self.round.get(self.part as usize) else {
            return false;
        };
        if **own != *name || *own_reason != reason {
            return false;
        }
        let want = if first_open {
            // `at` is not the round's redirect here (that case is taken above): a later
            // one gives a step above zero.
            at.checked_sub(self.at).map(|step| {
                self.step = step;
                at
            })
        } else {
            self.step
                .checked_mul(self.rounds)
                .and_then(|d| d.checked_add(self.at))
        };
        if want != Some(at) || self.rounds == u32::MAX {
            return false;
        }
        self.part += 1;
        if self.part as usize == self.round.len() {
            self.rounds += 1;
            self.part = 0;
        }
        true
    }
}

/// Keeps what `removed_headers` reports of the caller field `name` (its `seq`) removed
/// for good on redirect `at`: in the run before it when it continues that run (same name
/// as written, same reason, the next redirect of the run's step, no caller field still
/// there in between: `kept` is the last such before it), else as a run of its own.
pub(super) fn bury(
    gone: &mut Vec<Gone>,
    name: &str,
    reason: RemovalReason,
    at: u32,
    seq: u64,
    kept: Option<u64>,
) {
    // A caller field's `seq` is never another's, and a buried one is never given again
    // (`Headers::next_seq` comes after every run): `seq` is no run's `first`, and `kept`
    // no run's `last`, so `<` and `<=` agree in both comparisons.
    let i = gone.partition_point(|g| g.first < seq);
    if let Some(g) = i.checked_sub(1).and_then(|p| gone.get_mut(p)) {
        let adjacent = kept.is_none_or(|k| k < g.last);
        if adjacent && g.extend(name, reason, at) {
            g.last = seq;
            return;
        }
    }
    gone.insert(
        i,
        Gone {
            round: alloc::vec![(name.into(), reason)],
            at,
            step: 0,
            rounds: 1,
            part: 0,
            first: seq,
            last: seq,
        },
    );
}

/// What [`Headers::removed`] lists: the runs of caller fields removed on earlier
/// redirects and the fields of the list not sent, merged in their order.
pub(crate) struct Removed<'a> {
    pub(super) h: &'a Headers,
    pub(super) n: u32,
    /// The next run of `gone`, and the next member in it.
    pub(super) gone: usize,
    pub(super) member: u64,
    /// The next field.
    pub(super) field: usize,
}

impl<'a> Iterator for Removed<'a> {
    type Item = (&'a str, RemovalReason, u32);

    fn next(&mut self) -> Option<Self::Item> {
        let h = self.h;
        loop {
            let field = h
                .fields
                .get(self.field..)?
                .iter()
                .position(|f| !f.machine && (f.removed.is_some() || f.withheld));
            let f = field.and_then(|i| h.fields.get(self.field + i));
            let g = h.gone.get(self.gone);
            // A field in the list never has the `seq` of a buried one, so `<` and `<=`
            // agree.
            if let Some(g) = g.filter(|g| f.is_none_or(|f| g.first < f.seq)) {
                let member = g.member(self.member);
                self.member += 1;
                if self.member >= g.len() {
                    self.gone += 1;
                    self.member = 0;
                }
                match member {
                    Some((name, reason, at)) if !h.carries(name) => {
                        return Some((name, reason, at));
                    }
                    _ => continue,
                }
            }
            let f = f?;
            self.field += field.unwrap_or(0) + 1;
            let name = f.name(&h.buf);
            let (reason, at) = match f.removed {
                Some(removed) => removed,
                None if f.class.has(Class::HOST) => (RemovalReason::OtherAuthority, self.n),
                None => (RemovalReason::CrossOrigin, self.n),
            };
            if !h.carries(name) {
                return Some((name, reason, at));
            }
        }
    }
}
