//! Reports on a state: gate evaluation (what is unmet, and why) and progress.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::spec::{GateIndex, ItemIndex, SectionIndex};
use crate::state::rules::Column;
use crate::state::{ItemState, Outcome, Resolution, Settled, Stale, State, start_of};

/// Why an item keeps a gate from passing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unmet<'a> {
    /// A task not done.
    Pending,
    /// A blocked task.
    Blocked {
        /// What blocks it.
        reason: &'a str,
    },
    /// A waived task whose waiver has expired.
    WaiverExpired {
        /// The day it expired.
        expired: NaiveDate,
    },
    /// An empty field.
    FieldEmpty,
    /// A sign-off not given.
    SignOffMissing,
    /// A sign-off that was given, then voided by a change to an item it covers.
    SignOffVoided {
        /// The item whose change voided it.
        because: &'a str,
    },
    /// A sign-off refused.
    SignOffRejected {
        /// Who refused.
        by: &'a str,
        /// Why.
        comment: &'a str,
    },
    /// Signatures are required, and the approval or waiver that resolves the item is
    /// unsigned or signed by a key that is not (or no longer) trusted.
    Unverified {
        /// Who signed, or should have.
        principal: String,
        /// Why it does not count.
        why: String,
    },
    /// A task whose check's last run did not pass.
    CheckFailed {
        /// How the run ended.
        outcome: Outcome,
        /// The end of its output.
        tail: &'a str,
    },
    /// A task with a check, done, whose evidence no longer counts.
    Stale {
        /// Why; with the time it stopped counting when it expired.
        why: Stale,
    },
}

impl Unmet<'_> {
    /// A stable machine name: `pending`, `blocked`, `waiver_expired`, `field_empty`,
    /// `signoff_missing`, `signoff_voided`, `signoff_rejected`, `unverified`,
    /// `check_failed`, `stale`.
    pub fn code(&self) -> &'static str {
        match self {
            Unmet::Pending => "pending",
            Unmet::Blocked { .. } => "blocked",
            Unmet::WaiverExpired { .. } => "waiver_expired",
            Unmet::FieldEmpty => "field_empty",
            Unmet::SignOffMissing => "signoff_missing",
            Unmet::SignOffVoided { .. } => "signoff_voided",
            Unmet::SignOffRejected { .. } => "signoff_rejected",
            Unmet::Unverified { .. } => "unverified",
            Unmet::CheckFailed { .. } => "check_failed",
            Unmet::Stale { .. } => "stale",
        }
    }
}

impl fmt::Display for Unmet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmet::Pending => f.write_str("pending"),
            Unmet::Blocked { reason } => write!(f, "blocked: {reason}"),
            Unmet::WaiverExpired { expired } => write!(f, "waiver expired on {expired}"),
            Unmet::FieldEmpty => f.write_str("field empty"),
            Unmet::SignOffMissing => f.write_str("sign-off missing"),
            Unmet::SignOffVoided { because } => {
                write!(f, "sign-off voided: `{because}` changed after it")
            }
            Unmet::SignOffRejected { by, comment } => {
                write!(f, "sign-off rejected by {by}: {comment}")
            }
            Unmet::Unverified { principal, why } => {
                write!(f, "unverified signature of {principal}: {why}")
            }
            Unmet::CheckFailed { outcome, tail } => {
                write!(f, "check failed ({outcome})")?;
                match tail.lines().rev().find(|l| !l.trim().is_empty()) {
                    Some(last) => write!(f, ": {}", crate::text::one_line(last)),
                    None => Ok(()),
                }
            }
            Unmet::Stale { why } => match why {
                Stale::Expired(at) => write!(
                    f,
                    "stale since {}: its evidence is older than the check's `valid_for`",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
                Stale::CommandChanged => {
                    f.write_str("stale: its evidence is of another command than its check's")
                }
                Stale::NoEvidence => f.write_str("stale: done without a run of its check"),
            },
        }
    }
}

/// One unmet item of a gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetItem<'a> {
    /// The item.
    pub index: ItemIndex,
    /// Its id.
    pub id: &'a str,
    /// Why it is unmet.
    pub reason: Unmet<'a>,
}

impl Serialize for UnmetItem<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("UnmetItem", 3)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("reason", self.reason.code())?;
        st.serialize_field("detail", &self.reason.to_string())?;
        st.end()
    }
}

/// The outcome of evaluating a gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateReport<'a> {
    /// The gate's name.
    pub gate: &'a str,
    /// Whether every item it requires is resolved.
    pub passed: bool,
    /// How many items it requires.
    pub required: usize,
    /// The unmet ones, in document order.
    pub unmet: Vec<UnmetItem<'a>>,
    /// The day waivers were judged on.
    pub today: NaiveDate,
}

impl<'a> GateReport<'a> {
    /// The unmet items grouped by section, sections in document order.
    pub fn by_section(&self, state: &State) -> Vec<(SectionIndex, Vec<&UnmetItem<'a>>)> {
        let spec = state.spec();
        let mut groups: Vec<(SectionIndex, Vec<&UnmetItem<'a>>)> = Vec::new();
        for u in &self.unmet {
            let section = spec.item(u.index).section();
            match groups.iter_mut().find(|(s, _)| *s == section) {
                Some((_, list)) => list.push(u),
                None => groups.push((section, vec![u])),
            }
        }
        groups.sort_by_key(|(s, _)| *s);
        groups
    }
}

/// Counts of item outcomes, for a section or the whole checklist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// All items counted.
    pub total: usize,
    /// Tasks done, fields filled, sign-offs approved.
    pub done: usize,
    /// Tasks not applicable without a waiver (optional items, or `[~]` in the Markdown).
    pub not_applicable: usize,
    /// Required tasks not applicable under a waiver that holds.
    pub waived: usize,
    /// Blocked tasks.
    pub blocked: usize,
    /// Everything else: pending tasks, empty fields, sign-offs not (or no longer) given,
    /// expired waivers.
    pub pending: usize,
}

impl Progress {
    /// Done and waived items as a percentage of the items that apply (not-applicable items
    /// are left out); 100 when nothing applies.
    pub fn percent(&self) -> f64 {
        let applicable = self.total - self.not_applicable;
        if applicable == 0 {
            100.0
        } else {
            (self.done + self.waived) as f64 * 100.0 / applicable as f64
        }
    }

    /// Adds another count to this one.
    pub fn add(&mut self, other: &Progress) {
        self.total += other.total;
        self.done += other.done;
        self.not_applicable += other.not_applicable;
        self.waived += other.waived;
        self.blocked += other.blocked;
        self.pending += other.pending;
    }
}

impl State {
    /// Evaluates a gate on the clock's today.
    ///
    /// ```
    /// use checklist_core::{Actor, Spec, State};
    /// let spec = std::sync::Arc::new(Spec::parse("- [ ] a\n- [ ] b\n")?);
    /// let mut state = State::new(spec.clone());
    /// let complete = spec.gate_by_name("complete").unwrap().index();
    /// assert_eq!(state.evaluate(complete).unmet.len(), 2);
    /// state.complete(spec.index_of("a").unwrap(), &Actor::new("ann"))?;
    /// state.complete(spec.index_of("b").unwrap(), &Actor::new("ann"))?;
    /// assert!(state.evaluate(complete).passed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, gate: GateIndex) -> GateReport<'_> {
        self.evaluate_on(gate, self.today())
    }

    /// Evaluates the gate named `name`, if there is one.
    pub fn evaluate_named(&self, name: &str) -> Option<GateReport<'_>> {
        self.spec()
            .gate_by_name(name)
            .map(|g| self.evaluate(g.index()))
    }

    /// Evaluates a gate as of `today` (waivers expire relative to it).
    pub fn evaluate_on(&self, gate: GateIndex, today: NaiveDate) -> GateReport<'_> {
        let spec = self.spec();
        let gate = spec.gate(gate);
        let mut unmet = Vec::new();
        for &i in gate.items() {
            if let Some(reason) = self.unmet_reason(i, today) {
                unmet.push(UnmetItem {
                    index: i,
                    id: spec.item(i).id(),
                    reason,
                });
            }
        }
        GateReport {
            gate: gate.name(),
            passed: unmet.is_empty(),
            required: gate.items().len(),
            unmet,
            today,
        }
    }

    /// Why one item is unmet on `today`, or `None` when it is resolved.
    ///
    /// Waivers are judged by the day; a check's evidence by the time, which on the
    /// state's own today is its clock's now.
    pub fn unmet_reason(&self, index: ItemIndex, today: NaiveDate) -> Option<Unmet<'_>> {
        // The clock is read only for a task with a check (a stepping test clock moves
        // on each reading).
        let now = match self.spec().check(index).map(|_| self.now()) {
            Some(now) if now.date_naive() == today => now,
            _ => start_of(today),
        };
        match self.resolution(index, now) {
            Resolution::Resolved(_) if !self.spec().signatures_required() => None,
            Resolution::Resolved(_) => self.unverified(index).map(|check| match check {
                crate::trust::SignatureCheck::Unverified { principal, why, .. } => {
                    Unmet::Unverified { principal, why }
                }
                _ => Unmet::Unverified {
                    principal: self.standing_event(index).map_or_else(String::new, |e| {
                        crate::trust::signer_of(&e.payload, &e.actor)
                            .unwrap_or_default()
                            .to_string()
                    }),
                    why: "it is not signed, and the checklist requires signatures".into(),
                },
            }),
            Resolution::Stale(why) => Some(Unmet::Stale { why }),
            Resolution::WaiverExpired(expired) => Some(Unmet::WaiverExpired { expired }),
            Resolution::Open => Some(match self.item(index) {
                ItemState::Blocked { reason, .. } => Unmet::Blocked { reason },
                ItemState::Empty => Unmet::FieldEmpty,
                ItemState::Unsigned { voided: None } => Unmet::SignOffMissing,
                ItemState::Unsigned {
                    voided: Some(voided),
                } => Unmet::SignOffVoided {
                    because: &voided.because,
                },
                ItemState::Rejected { by, comment, .. } => Unmet::SignOffRejected { by, comment },
                ItemState::Failed { run, .. } => Unmet::CheckFailed {
                    outcome: run.outcome,
                    tail: &run.output_tail,
                },
                _ => Unmet::Pending,
            }),
        }
    }

    /// Progress of the items directly in one section (not its subsections).
    pub fn section_progress(&self, section: SectionIndex) -> Progress {
        let today = self.today();
        self.count(self.spec().section(section).items().iter().copied(), today)
    }

    /// Progress of a section and all its subsections.
    pub fn subtree_progress(&self, section: SectionIndex) -> Progress {
        let today = self.today();
        self.count(self.spec().items_under(section).into_iter(), today)
    }

    /// The progress of every section and its subsections (as [`State::subtree_progress`]
    /// gives for one), indexed by [`SectionIndex::get`], in one pass over the items: each
    /// section's own items are counted, then added up the tree (a parent comes before
    /// its subsections, so one pass from the end carries every count to the root).
    pub fn progress_by_section(&self) -> Vec<Progress> {
        let spec = self.spec();
        let mut totals: Vec<Progress> = spec
            .sections()
            .iter()
            .map(|s| self.section_progress(s.index()))
            .collect();
        for s in spec.sections().iter().rev() {
            if let Some(p) = s.parent() {
                let own = totals[s.index().get()];
                totals[p.get()].add(&own);
            }
        }
        totals
    }

    /// Progress of the whole checklist.
    pub fn progress(&self) -> Progress {
        let today = self.today();
        self.count(self.spec().items().iter().map(|i| i.index()), today)
    }

    fn count(&self, items: impl Iterator<Item = ItemIndex>, today: NaiveDate) -> Progress {
        let now = start_of(today);
        let mut p = Progress::default();
        for i in items {
            p.total += 1;
            match self.resolution(i, now) {
                Resolution::Resolved(Settled::Done) => p.done += 1,
                Resolution::Resolved(Settled::NotApplicable) => p.not_applicable += 1,
                Resolution::Resolved(Settled::Waived) => p.waived += 1,
                Resolution::WaiverExpired(_) | Resolution::Stale(_) => p.pending += 1,
                Resolution::Open => match self.item(i).status().rule().column {
                    Column::Blocked => p.blocked += 1,
                    _ => p.pending += 1,
                },
            }
        }
        p
    }
}
