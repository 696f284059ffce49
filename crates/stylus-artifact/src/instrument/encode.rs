//! Writes the instrumented module with `wasm_encoder::reencode`: every
//! section as it was, except that
//!
//! - the global section gets the four instrumentation globals at its end
//!   (a global section is created if the module has none);
//! - the export section keeps only `user_entrypoint` and `memory` (unless
//!   asked to keep all) and gains the four globals' exports;
//! - each body is replaced by its instrumented operators, locals unchanged;
//! - custom sections are dropped (Nitro keeps no names outside debug mode).
//!
//! No import, function, type or table is added, so no index moves.

use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasm_encoder::{ConstExpr, ExportKind, SectionId, ValType};
use wasmparser::{CustomSectionReader, Export, ExternalKind, Operator};

use super::output::{GlobalType, MeterGlobals};
use crate::validate::{ENTRYPOINT, MEMORY_EXPORT};

type Result<T> = std::result::Result<T, ReencodeError<String>>;

/// The reencoder that applies the rewrite.
pub(super) struct Rewriter<'a> {
    /// Instrumented bodies, in code-section order.
    pub bodies: std::vec::IntoIter<Vec<Operator<'a>>>,
    pub globals: MeterGlobals,
    pub keep_other_exports: bool,
    pub wrote_globals: bool,
    pub wrote_exports: bool,
}

impl Rewriter<'_> {
    fn add_globals(&mut self, section: &mut wasm_encoder::GlobalSection) {
        for global in self.globals.all() {
            let (val_type, init) = match global.ty {
                GlobalType::I32 => (ValType::I32, ConstExpr::i32_const(0)),
                GlobalType::I64 => (ValType::I64, ConstExpr::i64_const(0)),
            };
            let ty = wasm_encoder::GlobalType {
                val_type,
                mutable: true,
                shared: false,
            };
            section.global(ty, &init);
        }
        self.wrote_globals = true;
    }

    fn add_exports(&mut self, section: &mut wasm_encoder::ExportSection) {
        for global in self.globals.all() {
            section.export(global.name, ExportKind::Global, global.index);
        }
        self.wrote_exports = true;
    }

    /// Whether Nitro keeps `export` (`EXPORT_WHITELIST` in `programs/start.rs`).
    fn keeps(&self, export: &Export<'_>) -> bool {
        self.keep_other_exports
            || matches!(
                (export.name, export.kind),
                (ENTRYPOINT, ExternalKind::Func) | (MEMORY_EXPORT, ExternalKind::Memory)
            )
    }
}

/// Position of a section in a module's required order.
fn rank(id: SectionId) -> u8 {
    match id {
        SectionId::Custom => 0,
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
    }
}

impl<'a> Reencode for Rewriter<'a> {
    type Error = String;

    fn parse_custom_section(
        &mut self,
        _module: &mut wasm_encoder::Module,
        _section: CustomSectionReader<'_>,
    ) -> Result<()> {
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<()> {
        let past = |id: SectionId| before.is_none_or(|next| rank(next) > rank(id));
        if !self.wrote_globals && past(SectionId::Global) {
            let mut section = wasm_encoder::GlobalSection::new();
            self.add_globals(&mut section);
            module.section(&section);
        }
        if !self.wrote_exports && past(SectionId::Export) {
            let mut section = wasm_encoder::ExportSection::new();
            self.add_exports(&mut section);
            module.section(&section);
        }
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<()> {
        wasm_encoder::reencode::utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<()> {
        for export in section {
            let export = export?;
            if self.keeps(&export) {
                self.parse_export(exports, export)?;
            }
        }
        self.add_exports(exports);
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<()> {
        let mut function = self.new_function_with_parsed_locals(&func)?;
        let ops = self
            .bodies
            .next()
            .ok_or_else(|| ReencodeError::UserError("more bodies than functions".into()))?;
        for op in ops {
            function.instruction(&self.instruction(op)?);
        }
        code.function(&function);
        Ok(())
    }
}
