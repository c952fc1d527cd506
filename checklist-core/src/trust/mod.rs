//! Who may sign, and what a signature proves: people bound to roles, SSH-signed events,
//! and what an approval covered.
//!
//! - **Roles bound to people.** `[roles]` as a table (`technical-lead = ["ana@example.com"]`)
//!   binds each role to the principals who hold it ([`RoleBinding`]): an actor holds a
//!   bound role exactly when the binding lists them, whatever they claim.
//! - **Signed events.** With `[signatures] required = true`, every approve, reject and
//!   revoke, and every waiver (signed by its approver, not by who asked for it), carries
//!   an SSH signature ([`EventSignature`], OpenSSH's SSHSIG in the namespace
//!   [`NAMESPACE`]) by a key the allowed-signers file lists for that principal. The
//!   signed message ([`Event::signed_message`]) holds the checklist id, the spec digest,
//!   the event's own fields and the previous event's hash, so a signature also anchors
//!   the whole history before it.
//! - **Verification.** Loading a state verifies every signature: one that does not match
//!   its event (forged, edited, moved to another event, item or checklist, or history
//!   rewritten under it) fails the load naming the event; a good signature by a key the
//!   allowed-signers file no longer lists (or lists only for other times or namespaces)
//!   is [`SignatureCheck::Unverified`], and gates do not count it while signatures are
//!   required.
//! - **Coverage.** An approval records [`coverage_digest`]: what it covered. A checklist
//!   edit that changes it (a widened gate, a reworded item) voids the approval on
//!   migration.
//!
//! Signing is a [`Signer`] (bytes in, SSHSIG out): [`PrivateKeySigner`] for OpenSSH key
//! files, [`SshKeygenSigner`] for ssh-agent and hardware keys, or an embedder's own (a
//! KMS, an HSM). Verification is always in-process.
//!
//! ```
//! use checklist_core::trust::{AllowedSigners, PrivateKeySigner, SignatureCheck, Signer};
//! use checklist_core::{Actor, Request, Spec, State};
//!
//! // Alice's key; in real use `PrivateKeySigner::from_file("~/.ssh/id_ed25519")`, or
//! // an embedder's own `Signer` (a KMS, an HSM).
//! let signer = PrivateKeySigner::ed25519_from_seed(&[7; 32], "alice@example.com");
//! let public = signer.public_key().to_openssh();
//! let spec = Spec::parse(
//!     "+++\n[roles]\nlead = [\"alice@example.com\"]\n\
//!      [signatures]\nallowed_signers = \"allowed_signers\"\nrequired = true\n+++\n\
//!      - [ ] Tests pass\n- [ ] Lead Approval: ____\n",
//! )?
//! .with_allowed_signers(AllowedSigners::parse(&format!("alice@example.com {public}"))?);
//! let mut state = State::new(spec);
//! let tests = state.spec().index_of("tests-pass").unwrap();
//! let approval = state.spec().index_of("lead-approval").unwrap();
//! let alice = Actor::new("alice@example.com");
//! state.complete(tests, &alice)?;
//! // Unsigned, the approval is refused; signed, it is recorded with its signature.
//! assert!(state.approve(approval, &alice, None).is_err());
//! let change = state.apply_signed(approval, &alice, Request::Approve { comment: None }, &signer)?;
//! let seq = state.events()[change.events.start].seq;
//! assert!(matches!(state.signature_check(seq), SignatureCheck::Verified { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod signature;

use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use checklist_sshsig::{
    AllowedSigners, Fingerprint, NAMESPACE, NotAllowed, PrivateKeySigner, PublicKey, SignError,
    Signature, Signer, SshKeygenSigner,
};
pub use signature::EventSignature;

use crate::principal;
use crate::spec::{ItemIndex, ItemKind, Spec};
use crate::state::{
    Action, Actor, Change, Event, EventHash, ItemState, Payload, Refusal, Request, State, Status,
    TransitionError,
};

/// A role bound to the principals who hold it (`[roles]` as a table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleBinding {
    role: String,
    principals: Vec<String>,
}

impl RoleBinding {
    pub(crate) fn new(role: String, principals: Vec<String>) -> Self {
        RoleBinding { role, principals }
    }

    /// The role.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Who holds it, normalized (see [`crate::principal`]).
    pub fn principals(&self) -> &[String] {
        &self.principals
    }

    /// Whether `principal` holds the role.
    pub fn holds(&self, principal: &str) -> bool {
        principal::is_listed(principal, &self.principals)
    }
}

/// `[signatures]`: where the allowed-signers file is and whether events must be signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignaturePolicy {
    allowed_signers: Option<String>,
    required: bool,
}

impl SignaturePolicy {
    pub(crate) fn new(allowed_signers: Option<String>, required: bool) -> Self {
        SignaturePolicy {
            allowed_signers,
            required,
        }
    }

    /// The allowed-signers file's path as written, relative to the checklist.
    pub fn allowed_signers(&self) -> Option<&str> {
        self.allowed_signers.as_deref()
    }

    /// Whether approve, reject, revoke and waivers must be signed.
    pub fn required(&self) -> bool {
        self.required
    }
}

impl Spec {
    /// The binding of `role`, when the front matter binds it to principals.
    pub fn role_binding(&self, role: &str) -> Option<&RoleBinding> {
        self.bindings.iter().find(|b| b.role == role)
    }

    /// Every bound role, in name order (empty when `roles` is a list or absent).
    pub fn role_bindings(&self) -> &[RoleBinding] {
        &self.bindings
    }

    /// The `[signatures]` policy (the default, nothing required, when there is none).
    pub fn signature_policy(&self) -> &SignaturePolicy {
        &self.signatures
    }

    /// Whether events that can be signed must be.
    pub fn signatures_required(&self) -> bool {
        self.signatures.required
    }

    /// This spec with the allowed-signers file it verifies signatures against (read by
    /// the embedder, from [`SignaturePolicy::allowed_signers`] relative to the checklist
    /// or from its own store of keys). Without one, signatures can be checked against
    /// their own key but no signer is trusted.
    #[must_use]
    pub fn with_allowed_signers(mut self, allowed: AllowedSigners) -> Spec {
        self.allowed_signers = Some(Arc::new(allowed));
        self
    }

    /// The allowed-signers file given with [`Spec::with_allowed_signers`].
    pub fn allowed_signers(&self) -> Option<&AllowedSigners> {
        self.allowed_signers.as_deref()
    }
}

/// What verifying one event's signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The event carries no signature.
    Unsigned,
    /// Signed by a key the allowed-signers file lists for the principal at the time of
    /// the event.
    Verified {
        /// Who signed.
        principal: String,
        /// The key's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The signature matches the event, but its key is not (or no longer) trusted for
    /// the principal: the key was removed from the allowed-signers file, had expired,
    /// or there is no allowed-signers file.
    Unverified {
        /// Who the signature claims to be from.
        principal: String,
        /// The key's fingerprint.
        fingerprint: Fingerprint,
        /// Why it is not trusted.
        why: String,
    },
}

impl SignatureCheck {
    /// Whether it is [`SignatureCheck::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, SignatureCheck::Verified { .. })
    }
}

/// Who signs an event of this payload by `actor`: the actor for approve, reject and
/// revoke, the approver for a waiver; `None` for events that are not signed.
pub fn signer_of<'a>(payload: &'a Payload, actor: &'a str) -> Option<&'a str> {
    match payload {
        Payload::Approve { .. } | Payload::Reject { .. } | Payload::Revoke { .. } => Some(actor),
        Payload::Skip {
            waiver: Some(w), ..
        } => Some(&w.approver),
        _ => None,
    }
}

/// The digest of what a sign-off of `spec` covers: SHA-256 over, for each item of
/// [`Spec::signoff_coverage`] in document order, its id, its kind (with the field type)
/// and its text, each length-prefixed. Recorded by each approval ([`Event::covered`]).
pub fn coverage_digest(spec: &Spec) -> EventHash {
    *spec.coverage.get_or_init(|| compute_coverage(spec))
}

fn compute_coverage(spec: &Spec) -> EventHash {
    let mut h = Sha256::new();
    h.update(b"checklist coverage v1\n");
    let mut put = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    for &i in spec.signoff_coverage() {
        let item = spec.item(i);
        put(item.id().as_bytes());
        let kind = match item.kind() {
            ItemKind::Task => "task".to_string(),
            ItemKind::Field(field_type) => format!("field {field_type}"),
            ItemKind::SignOff { role } => format!("signoff {role}"),
        };
        put(kind.as_bytes());
        put(item.text().as_bytes());
    }
    EventHash(h.finalize().into())
}

/// Verifies `event`'s signature (if any) after `previous`, for `spec`. `Err` says why
/// the signature does not match the event: the document is broken.
pub fn check_event(
    spec: &Spec,
    event: &Event,
    previous: &EventHash,
) -> Result<SignatureCheck, String> {
    let Some(signed) = &event.signature else {
        return Ok(SignatureCheck::Unsigned);
    };
    let Some(principal) = signer_of(&event.payload, &event.actor) else {
        return Err(format!("a `{}` event is never signed", event.action()));
    };
    let sig = signed.signature();
    let key = sig.public_key();
    let message = event.signed_message(spec.id(), signed.spec(), previous);
    if let Err(e) = sig.verify(key, NAMESPACE, &message) {
        return Err(format!(
            "its signature by `{principal}` (key {}) does not match it ({e}): the signature was made for another event, item or checklist, or the event or the history before it was changed after signing",
            key.fingerprint()
        ));
    }
    let fingerprint = key.fingerprint();
    let Some(allowed) = spec.allowed_signers() else {
        return Ok(SignatureCheck::Unverified {
            principal: principal.to_string(),
            fingerprint,
            why: "no allowed-signers file was read to trust it".into(),
        });
    };
    Ok(
        match allowed.check(principal, key, NAMESPACE, event.at.into()) {
            Ok(_) => SignatureCheck::Verified {
                principal: principal.to_string(),
                fingerprint,
            },
            Err(why) => SignatureCheck::Unverified {
                principal: principal.to_string(),
                fingerprint,
                why: why.to_string(),
            },
        },
    )
}

/// Every signature of a log, verified in order; the first that does not match its
/// event, as `(seq, problem)`.
pub(crate) fn verify_log(spec: &Spec, events: &[Event]) -> Result<(), (u64, String)> {
    let mut previous = EventHash::GENESIS;
    for e in events {
        if e.signature.is_some() {
            check_event(spec, e, &previous).map_err(|problem| (e.seq, problem))?;
        }
        previous = e.hash;
    }
    Ok(())
}

impl State {
    /// Signs and verifies against `allowed` from now on: the state's spec becomes a copy
    /// of itself with that allowed-signers file ([`Spec::with_allowed_signers`]), its
    /// items and indices unchanged. For a state whose spec was built without one, such
    /// as a typed checklist's, built into the program.
    pub fn set_allowed_signers(&mut self, allowed: AllowedSigners) {
        let mut spec = Spec::clone(self.spec());
        spec.allowed_signers = Some(Arc::new(allowed));
        self.replace_spec(Arc::new(spec));
    }

    /// What verifying the signature of the event numbered `seq` finds (`Unsigned` for
    /// an event that is not in the log). Signatures that do not match their event never
    /// get here: loading refuses them.
    pub fn signature_check(&self, seq: u64) -> SignatureCheck {
        let events = self.events();
        let Some(i) = usize::try_from(seq).ok().and_then(|s| s.checked_sub(1)) else {
            return SignatureCheck::Unsigned;
        };
        let Some(event) = events.get(i) else {
            return SignatureCheck::Unsigned;
        };
        let previous = i
            .checked_sub(1)
            .map_or(EventHash::GENESIS, |p| events[p].hash);
        check_event(self.spec(), event, &previous).unwrap_or(SignatureCheck::Unsigned)
    }

    /// The event that gave the item its current state, when that state is an approval
    /// or a waiver: the one a signature must stand behind.
    pub fn standing_event(&self, index: ItemIndex) -> Option<&Event> {
        let wanted = match self.item(index) {
            ItemState::Approved { .. } => Action::Approve,
            ItemState::NotApplicable {
                waiver: Some(_), ..
            } => Action::Skip,
            _ => return None,
        };
        let id = self.spec().item(index).id();
        self.events()
            .iter()
            .rev()
            .find(|e| &*e.item == id)
            .filter(|e| e.action() == wanted)
    }

    /// When signatures are required: why the approval or waiver that resolves this item
    /// does not count (unsigned, or signed by a key that is not trusted); `None` when it
    /// counts or signatures are not required.
    pub fn unverified(&self, index: ItemIndex) -> Option<SignatureCheck> {
        if !self.spec().signatures_required() {
            return None;
        }
        let event = self.standing_event(index)?;
        match self.signature_check(event.seq) {
            SignatureCheck::Verified { .. } => None,
            other => Some(other),
        }
    }

    /// [`State::apply`] for an event signed by `signer`: the signature is made over the
    /// event's message ([`Event::signed_message`]) and must be by a key the
    /// allowed-signers file lists for the principal who signs (the actor, or a waiver's
    /// approver) at the time of the event. A refused signature leaves the state exactly
    /// as it was. For an action that is not signed, the signer is not used.
    pub fn apply_signed(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        request: Request<'_>,
        signer: &dyn Signer,
    ) -> Result<Change, TransitionError> {
        self.apply_with(index, actor, request, Some(signer))
    }

    /// Signs the event `draft` would become at `at`, after checking what the
    /// allowed-signers file says about the key.
    pub(crate) fn sign_draft(
        &self,
        event: &Event,
        principal: &str,
        signer: &dyn Signer,
    ) -> Result<EventSignature, Refusal> {
        let spec = self.spec();
        let previous = self.events().last().map_or(EventHash::GENESIS, |e| e.hash);
        let message = event.signed_message(spec.id(), spec.digest(), &previous);
        let signature = signer
            .sign(NAMESPACE, &message)
            .map_err(|e| Refusal::SigningFailed {
                problem: e.to_string(),
            })?;
        let key = signature.public_key().clone();
        signature
            .verify(&key, NAMESPACE, &message)
            .map_err(|e| Refusal::SigningFailed {
                problem: format!("the signer returned a signature that does not verify: {e}"),
            })?;
        let Some(allowed) = spec.allowed_signers() else {
            return Err(Refusal::NoAllowedSigners {
                file: spec
                    .signature_policy()
                    .allowed_signers()
                    .map(str::to_string),
            });
        };
        if let Err(why) = allowed.check(principal, &key, NAMESPACE, event.at.into()) {
            return Err(Refusal::SignatureNotAllowed {
                principal: principal.to_string(),
                fingerprint: key.fingerprint().to_string(),
                problem: why.to_string(),
            });
        }
        Ok(EventSignature::new(spec.digest().to_string(), signature))
    }

    /// The sign-offs approved for what the checklist no longer has them cover: their
    /// approval recorded a [`coverage_digest`] other than the spec's.
    pub(crate) fn approvals_outdated(&self) -> Vec<ItemIndex> {
        let current = coverage_digest(self.spec());
        self.spec()
            .signoffs()
            .iter()
            .copied()
            .filter(|&s| self.item(s).status() == Status::Approved)
            .filter(|&s| {
                self.standing_event(s)
                    .and_then(|e| e.covered)
                    .is_some_and(|d| d != current)
            })
            .collect()
    }
}

/// A role the actor claims that is bound must be given by its binding.
pub(crate) fn check_claims(spec: &Spec, actor: &Actor) -> Result<(), Refusal> {
    for claimed in actor.roles() {
        if let Some(b) = spec.role_binding(claimed) {
            check_holds(b, actor)?;
        }
    }
    Ok(())
}

/// A bound role is held exactly by the principals its binding lists.
pub(crate) fn check_holds(binding: &RoleBinding, actor: &Actor) -> Result<(), Refusal> {
    if binding.holds(actor.name()) {
        Ok(())
    } else {
        Err(Refusal::RoleNotBound {
            actor: actor.name().to_string(),
            role: binding.role.clone(),
            principals: binding.principals.clone(),
        })
    }
}

/// When the checklist binds roles, a waiver's approver must be someone a binding names.
pub(crate) fn check_approver(spec: &Spec, approver: &str) -> Result<(), Refusal> {
    if spec.bindings.is_empty() || spec.bindings.iter().any(|b| b.holds(approver)) {
        return Ok(());
    }
    let mut everyone: Vec<String> = spec
        .bindings
        .iter()
        .flat_map(|b| b.principals.iter().cloned())
        .collect();
    everyone.sort();
    everyone.dedup();
    Err(Refusal::ApproverNotBound {
        approver: approver.to_string(),
        principals: everyone,
    })
}
