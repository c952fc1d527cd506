//! Step 1, parse: the macro's own input.
//!
//! ```text
//! checklist!(pub ProductionDeployment, "examples/checklists/production-deployment.md");
//! checklist!(pub(crate) Release, inline "# Release\n\n- [ ] Tests pass\n");
//! ```
//!
//! Outer attributes (doc comments) before the visibility go onto the generated type, but
//! for `#[checklist(...)]`, the macro's own options:
//!
//! ```text
//! checklist!(#[checklist(crate = "::my_checklist")] pub Deploy, "deploy.md");
//! ```
//!
//! `crate = "PATH"` names the path the generated code reaches the facade crate by, as
//! serde's `#[serde(crate = "...")]` does; without it the macro finds the facade's name
//! in the user's `Cargo.toml` (see `crate::facade`).

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Path, Token, Visibility};

/// Where the Markdown comes from.
pub(crate) enum Source {
    /// A path relative to `CARGO_MANIFEST_DIR`.
    Path(LitStr),
    /// The Markdown itself.
    Inline(LitStr),
}

impl Source {
    pub(crate) fn literal(&self) -> &LitStr {
        match self {
            Source::Path(l) | Source::Inline(l) => l,
        }
    }

    pub(crate) fn span(&self) -> Span {
        self.literal().span()
    }
}

/// The parsed macro input.
pub(crate) struct Input {
    /// `#[checklist(crate = "...")]`: the facade's path, when the user gave it.
    pub(crate) krate: Option<Path>,
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) name: Ident,
    pub(crate) source: Source,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut attrs = input.call(Attribute::parse_outer)?;
        let mut krate = None;
        for attr in attrs.iter().filter(|a| a.path().is_ident("checklist")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if krate.is_some() {
                        return Err(meta.error("`crate` is given twice"));
                    }
                    krate = Some(lit.parse::<Path>().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            "expected a path to the checklist crate, e.g. `crate = \"::my_checklist\"`",
                        )
                    })?);
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown checklist option: the only one is `crate = \"path\"`",
                    ))
                }
            })?;
        }
        attrs.retain(|a| !a.path().is_ident("checklist"));
        let vis: Visibility = input.parse()?;
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a type name: `checklist!(pub MyChecklist, \"path/to/checklist.md\")`",
            )
        })?;
        input.parse::<Token![,]>()?;
        let source = if input.peek(Ident) {
            let kw: Ident = input.parse()?;
            if kw != "inline" {
                return Err(syn::Error::new(
                    kw.span(),
                    "expected a path string, or `inline` followed by the Markdown as a string",
                ));
            }
            Source::Inline(input.parse()?)
        } else {
            Source::Path(input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected the checklist's path relative to CARGO_MANIFEST_DIR, as a string",
                )
            })?)
        };
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the checklist source"));
        }
        Ok(Input {
            krate,
            attrs,
            vis,
            name,
            source,
        })
    }
}
