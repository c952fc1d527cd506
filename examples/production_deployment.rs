//! A small deploy tool built on `examples/checklists/production-deployment-gated.md`.
//!
//! ```text
//! cargo run --example production_deployment [OUTPUT_DIR]
//! ```
//!
//! It refuses to deploy until the `deploy` gate passes, records who did what, and keeps
//! the state in a store (`OUTPUT_DIR/state.json`, default `target/checklist-demo/`): every
//! group of changes below is one transaction, saved atomically with a conflict check, as
//! a tool that several people and CI jobs run at once must. It also writes the state's
//! JSON Schema there. The checklist is compiled into typed Rust by `checklist!`: the
//! items named below are checked by the compiler against the Markdown.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use checklist_md::chrono::NaiveDate;
use checklist_md::typed::TypedState;
use checklist_md::{
    Actor, CheckRunner, FileStore, GateReport, ItemKind, ProcessRunner, Request, Store,
    TransitionError, checklist,
};

checklist!(
    /// Our production deployment process.
    pub Deploy, "examples/checklists/production-deployment-gated.md"
);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/checklist-demo"), PathBuf::from);
    let items = Deploy::items();
    let deploy = Deploy::gates().deploy;

    // A new run each time the example runs: the previous one's state goes.
    std::fs::create_dir_all(&out_dir)?;
    let state_path = out_dir.join("state.json");
    if state_path.exists() {
        std::fs::remove_file(&state_path)?;
    }
    // The one line that decides where the state lives; everything else talks to `Store`.
    let store = FileStore::new(&state_path);
    let (run, _) = TypedState::<Deploy>::load(&store)?;

    println!(
        "== {} ==",
        Deploy::spec().title().unwrap_or(Deploy::spec().id())
    );
    let report = run.evaluate(deploy);
    println!("\nBefore anyone starts, the `deploy` gate fails:");
    print_unmet(&report, &run, 1);

    // The tech lead cannot sign yet: the sign-off covers the whole deploy gate. The
    // refused change writes nothing.
    let tara = Actor::new("tara").with_role("technical-lead");
    let early = TypedState::<Deploy>::update(&store, |run| {
        run.approve(items.sign_off.technical_lead_approval, &tara, None)
    });
    if let Err(checklist_md::UpdateError::Refused(e)) = early {
        println!(
            "\nAn early sign-off is refused:\n  {e}\n  help: {}",
            e.help()
        );
    }

    // The tasks with a check verify themselves: CI runs the commands the checklist
    // declares (never anything from the state), in the checklist's directory, outside the
    // store's lock, and then records every run's evidence in one transaction. Only a
    // passing run makes such a task done; `complete` is refused on it.
    let ci = Actor::new("ci-bot");
    let checked = [
        items
            .pre_deployment
            .code_quality
            .linting_passes_with_no_errors,
        items
            .pre_deployment
            .code_quality
            .typescript_compilation_successful,
        items
            .infrastructure
            .container_orchestration
            .kubernetes_manifests_validated,
    ];
    let runner =
        ProcessRunner::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/checklists"));
    let mut runs = Vec::new();
    for task in checked {
        let check = Deploy::spec()
            .check(task.index())
            .ok_or("a checked task without a check")?;
        runs.push(runner.run(check)?);
    }
    TypedState::<Deploy>::update(&store, |run| {
        for (task, evidence) in checked.iter().zip(&runs) {
            run.record_check(*task, &ci, evidence)?;
        }
        Ok::<_, TransitionError>(())
    })?;
    println!(
        "
ci-bot ran the checklist's {} checks:",
        runs.len()
    );
    for (task, evidence) in checked.iter().zip(&runs) {
        println!(
            "  {} {}: `{}` {} in {} ms; output {} bytes, {}, ends {:?}",
            if evidence.passed() { "✓" } else { "✗" },
            Deploy::spec().item(task.index()).id(),
            evidence.command,
            evidence.outcome,
            evidence.duration_ms,
            evidence.output_bytes,
            evidence.output_sha256,
            evidence.output_tail.trim_end()
        );
    }

    // CI completes what it checked elsewhere, with a link to the evidence, in one
    // transaction.
    let evidence = Some("https://ci.example.com/runs/4711");
    let ci_tasks = [
        items
            .pre_deployment
            .code_quality
            .unit_tests_passing_minimum_80_coverage,
        items.pre_deployment.code_quality.integration_tests_passing,
        items.pre_deployment.code_quality.e2e_tests_passing,
        items
            .infrastructure
            .container_orchestration
            .docker_images_scanned_for_vulnerabilities,
        items
            .infrastructure
            .ci_cd_pipeline
            .security_scanning_in_pipeline,
    ];
    TypedState::<Deploy>::update(&store, |run| {
        for task in ci_tasks {
            run.complete_with(task, &ci, Some("checked by the pipeline"), evidence)?;
        }
        Ok::<_, TransitionError>(())
    })?;
    println!("ci-bot completed 5 more tasks with a link to their evidence.");

    // Optional items that do not apply to this release.
    let ops = Actor::new("olga").with_role("operations-team");
    TypedState::<Deploy>::update(&store, |run| {
        run.skip(
            items.infrastructure.database.read_replicas_configured,
            &ops,
            Some("single primary is enough for current load"),
        )?;
        run.skip(
            items
                .infrastructure
                .monitoring_observability
                .distributed_tracing_enabled,
            &ops,
            Some("one service, no cross-service calls"),
        )?;
        run.skip(
            items.security_hardening.network_security.vpc_configured,
            &ops,
            Some("runs in the provider's managed network"),
        )?;
        run.skip(
            items.security_hardening.compliance.gdpr_compliance_verified,
            &ops,
            Some("no personal data processed"),
        )
    })?;

    // The people responsible tick the remaining manual items of the gate. The loop walks
    // the gate's items by index, so it changes them through `apply`: the same checked
    // transitions, without the compile-time kind check (the loop checks the kind).
    let spec = Deploy::spec();
    let gate_items = spec.gate(deploy.index()).items().to_vec();
    let manual = TypedState::<Deploy>::update(&store, |run| {
        let mut manual = 0;
        for &index in &gate_items {
            let item = spec.item(index);
            if item.kind() == &ItemKind::Task
                && run.item(index).status() == checklist_md::Status::Pending
            {
                let who = Actor::new(owner_of(item.id()));
                let done = Request::Complete {
                    note: None,
                    evidence: None,
                };
                run.apply(index, &who, done)?;
                manual += 1;
            }
        }
        Ok::<_, TransitionError>(manual)
    })?;
    println!("{manual} manual items completed by their owners.");

    // A date field takes a NaiveDate: passing a string would not compile.
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("bad date")?;
    TypedState::<Deploy>::update(&store, |run| {
        run.fill(items.deployment_date.scheduled_date, &ops, date)
    })?;

    // Every sign-off by someone holding its role.
    TypedState::<Deploy>::update(&store, |run| {
        run.approve(
            items.sign_off.technical_lead_approval,
            &tara,
            Some("reviewed the rollout plan"),
        )?;
        run.approve(
            items.sign_off.security_team_approval,
            &Actor::new("sam").with_role("security-team"),
            None,
        )?;
        run.approve(items.sign_off.operations_team_approval, &ops, None)?;
        run.approve(
            items.sign_off.product_owner_approval,
            &Actor::new("pia").with_role("product-owner"),
            Some("go"),
        )
    })?;

    // What the store holds now, loaded and verified as any later reader would.
    let (run, _) = TypedState::<Deploy>::load(&store)?;
    let report = run.evaluate(deploy);
    println!(
        "\nThe `deploy` gate {}: {} of {} items resolved.",
        if report.passed {
            "passes"
        } else {
            "still fails"
        },
        report.required - report.unmet.len(),
        report.required
    );
    if !report.passed {
        print_unmet(&report, &run, 10);
        return Err("the deploy gate did not pass".into());
    }
    let complete = run.evaluate(Deploy::gates().complete);
    println!(
        "The `complete` gate is not met yet ({} items left: the deployment itself, post-deployment, the review).",
        complete.unmet.len()
    );

    let schema_path = out_dir.join("state.schema.json");
    let schema = schemars::schema_for!(TypedState<Deploy>);
    std::fs::write(&schema_path, serde_json::to_string_pretty(&schema)? + "\n")?;
    println!(
        "\nSaved {} ({} events, revision {}) and wrote {}.",
        store.location(),
        run.events().len(),
        run.revision(),
        schema_path.display()
    );

    println!("\nProgress by section:");
    for section in spec.sections().iter().skip(1) {
        // Top-level sections count everything under them; subsections are indented.
        let (p, indent) = if section.parent() == Some(spec.root().index()) {
            (run.subtree_progress(section.index()), "")
        } else {
            (run.section_progress(section.index()), "  ")
        };
        if p.total == 0 {
            continue;
        }
        println!(
            "  {:<36} {:>5.1}%  done {:>3}  n/a {}  waived {}  blocked {}  pending {:>2}",
            format!("{indent}{}", section.title()),
            p.percent(),
            p.done,
            p.not_applicable,
            p.waived,
            p.blocked,
            p.pending
        );
    }
    let total = run.progress();
    println!("  {:<36} {:>5.1}%", "Overall", total.percent());
    Ok(())
}

/// Who owns an item, by its section.
fn owner_of(id: &str) -> &'static str {
    match id.split('/').next() {
        Some("pre-deployment") => "dev-team",
        Some("security-hardening") => "sam",
        Some("documentation") => "docs-team",
        _ => "olga",
    }
}

fn print_unmet(report: &GateReport<'_>, run: &TypedState<Deploy>, per_section: usize) {
    println!(
        "  {} of {} items unmet",
        report.unmet.len(),
        report.required
    );
    for (section, unmet) in report.by_section(run) {
        let title = Deploy::spec().section(section).title();
        println!("  {title} ({} open)", unmet.len());
        for u in unmet.iter().take(per_section) {
            println!("    - {}: {}", u.id, u.reason);
        }
        if unmet.len() > per_section {
            println!("    ... and {} more", unmet.len() - per_section);
        }
    }
}
