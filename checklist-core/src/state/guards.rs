//! The rules that look at other items than the one changing: one named function per
//! [`Guard`], and the actor check. Which action runs which is in the rules table.

use chrono::{DateTime, Utc};

use super::State;
use super::rules::{ActorCheck, Guard, Status};
use super::transition::{Actor, Refusal, Request};
use crate::spec::ItemIndex;

impl State {
    /// What the action asks of the actor.
    pub(super) fn check_actor(
        &self,
        check: ActorCheck,
        index: ItemIndex,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        if !actor.is_principal() {
            crate::principal::normalize(actor.name()).map_err(|e| Refusal::InvalidPrincipal {
                problem: e.to_string(),
                help: e.help(),
            })?;
        }
        crate::trust::check_claims(&self.spec, actor)?;
        match (check, self.spec.item(index).role()) {
            (ActorCheck::HoldsRole, Some(role)) => match self.spec.role_binding(role) {
                Some(binding) => crate::trust::check_holds(binding, actor),
                None if !actor.has_role(role) => Err(Refusal::MissingRole {
                    actor: actor.name().to_string(),
                    role: role.to_string(),
                }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Runs one guard.
    pub(super) fn check_guard(
        &self,
        guard: Guard,
        index: ItemIndex,
        request: &Request<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        match guard {
            Guard::NoCheck if guard.refuses_as_declared(&self.spec, index) => {
                Err(Refusal::HasCheck)
            }
            Guard::NoCheck => Ok(()),
            Guard::CheckMatches => self.check_matches(index, request),
            Guard::ChildrenResolved => self.children_resolved(index, now),
            Guard::EarlierStepsResolved => self.earlier_steps_resolved(index, now),
            Guard::ParentNotDone => self.parent_not_done(index),
            Guard::LaterStepsOpen => self.later_steps_open(index, now),
            Guard::CoverageResolved => self.coverage_resolved(now),
        }
    }

    /// A run is recorded only for a task with a check, and only of its current command.
    fn check_matches(&self, index: ItemIndex, request: &Request<'_>) -> Result<(), Refusal> {
        let Some(check) = self.spec.check(index) else {
            return Err(Refusal::NoCheck);
        };
        match request {
            Request::Verify { run } if run.definition != check.definition() => {
                Err(Refusal::OtherCommand {
                    ran: run.command.to_string(),
                    check: check.run().to_string(),
                })
            }
            _ => Ok(()),
        }
    }

    /// A parent task cannot be done while a required sub-item is open.
    fn children_resolved(&self, index: ItemIndex, now: DateTime<Utc>) -> Result<(), Refusal> {
        let spec = &self.spec;
        let open: Vec<String> = spec
            .item(index)
            .children()
            .iter()
            .filter(|&&c| !spec.item(c).is_optional() && !self.resolved_at(c, now))
            .map(|&c| spec.item(c).id().to_string())
            .collect();
        if open.is_empty() {
            Ok(())
        } else {
            Err(Refusal::OpenChildren { open })
        }
    }

    /// Step N of an ordered list cannot be done before steps 1..N-1 are resolved.
    fn earlier_steps_resolved(&self, index: ItemIndex, now: DateTime<Utc>) -> Result<(), Refusal> {
        let open: Vec<String> = self
            .spec
            .steps_before(index)
            .iter()
            .filter(|&&s| !self.resolved_at(s, now))
            .map(|&s| self.spec.item(s).id().to_string())
            .collect();
        if open.is_empty() {
            Ok(())
        } else {
            Err(Refusal::EarlierStepsOpen { open })
        }
    }

    /// A required sub-item cannot be reopened while its parent is done.
    fn parent_not_done(&self, index: ItemIndex) -> Result<(), Refusal> {
        let item = self.spec.item(index);
        match item.parent() {
            Some(p) if !item.is_optional() && self.items[p.get()].status() == Status::Done => {
                Err(Refusal::ParentDone {
                    parent: self.spec.item(p).id().to_string(),
                })
            }
            _ => Ok(()),
        }
    }

    /// A step cannot be reopened while a later step is resolved.
    fn later_steps_open(&self, index: ItemIndex, now: DateTime<Utc>) -> Result<(), Refusal> {
        let Some(step) = self.spec.item(index).step() else {
            return Ok(());
        };
        let done: Vec<String> = self.spec.ordered_lists()[step.list as usize]
            [step.position as usize..]
            .iter()
            .filter(|&&s| self.resolved_at(s, now))
            .map(|&s| self.spec.item(s).id().to_string())
            .collect();
        if done.is_empty() {
            Ok(())
        } else {
            Err(Refusal::LaterStepsDone { done })
        }
    }

    /// A sign-off can be given only when every item it covers is resolved.
    fn coverage_resolved(&self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let spec = &self.spec;
        let open: Vec<ItemIndex> = spec
            .signoff_coverage()
            .iter()
            .copied()
            .filter(|&i| !self.resolved_at(i, now))
            .collect();
        if open.is_empty() {
            return Ok(());
        }
        Err(Refusal::GateUnmet {
            gate: spec.signoff_gate().name().to_string(),
            count: open.len(),
            first: open
                .iter()
                .take(3)
                .map(|&i| spec.item(i).id().to_string())
                .collect(),
        })
    }

    /// After a change to `index`, the approved sign-offs that cover it (they are voided).
    pub(super) fn approvals_covering(&self, index: ItemIndex) -> Vec<ItemIndex> {
        if !self.spec.is_covered(index) || self.approved == 0 {
            return Vec::new();
        }
        self.spec
            .signoffs()
            .iter()
            .copied()
            .filter(|s| self.items[s.get()].status() == Status::Approved)
            .collect()
    }
}
