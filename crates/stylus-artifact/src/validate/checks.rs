//! Rules about the module as a whole, checked after the section walk:
//! the single exported memory and its growth, the entrypoint, export names,
//! count limits and the 16-bit cost fields. Also assembles [`ModuleInfo`].

use wasmparser::{ExternalKind, ValType};

use super::sections::{is_growable, kind_name, Scan};
use super::{ModuleInfo, ENTRYPOINT, MEMORY_EXPORT, PAY_FOR_MEMORY_GROW};
use crate::activation::ActivationInputs;
use crate::cost::{CostInputs, INSTRUMENTATION_GLOBALS};
use crate::hostio::{format_signature, HostType, HOST_MODULE};
use crate::limits::*;
use crate::violation::{Rule, Violation};

impl Scan<'_> {
    pub(super) fn finish(mut self) -> (ModuleInfo, Vec<Violation>) {
        if self.wasm.len() > MAX_WASM_SIZE {
            self.violation(
                Rule::WasmSize,
                format!(
                    "wasm is {} bytes; Nitro inflates at most {MAX_WASM_SIZE} bytes (128 KiB)",
                    self.wasm.len()
                ),
            );
        }
        let footprint = self.check_memory();
        self.check_entrypoint();
        self.check_export_names();
        self.check_counts();

        let type_len = self
            .local_funcs
            .iter()
            .filter_map(|t| self.func_type(*t))
            .map(|ty| (ty.params().len() + ty.results().len()) as u64)
            .sum();
        let cost_inputs = CostInputs {
            wasm_len: self.wasm.len() as u64,
            funcs: self.local_funcs.len() as u64,
            type_len,
            globals: self.own_globals + INSTRUMENTATION_GLOBALS,
            data_len: self.segment_bytes,
            footprint,
        };
        let activation = ActivationInputs {
            wasm_len: cost_inputs.wasm_len,
            funcs: cost_inputs.funcs,
            type_len,
            data_payload: self.data_payload,
            element_bytes: self.element_bytes,
            pages: footprint,
            instrumented_ops: self.instrumented_ops,
        };
        let costs = cost_inputs.costs();
        for (what, value) in [
            ("init_cost", costs.init_cost),
            ("cached_init_cost", costs.cached_init_cost),
        ] {
            if value > MAX_INIT_COST {
                self.violation(
                    Rule::Cost,
                    format!("{what} is {value}, more than the {MAX_INIT_COST} Nitro can store"),
                );
            }
        }

        let info = ModuleInfo {
            cost_inputs,
            activation,
            host_imports: self.host_imports,
            own_globals: self.own_globals,
            data_segments: self.data_segments,
            element_segments: self.element_segments,
            max_pages: self.memories.first().and_then(|m| m.maximum),
            largest_locals: self.largest_locals,
            largest_body_ops: self.largest_body_ops,
        };
        (info, self.out)
    }

    /// Checks the single exported memory; returns its initial pages.
    fn check_memory(&mut self) -> u64 {
        let count = self.memories.len();
        let Some(memory) = self.memories.first().copied() else {
            self.violation(
                Rule::Memory,
                format!("module has no memory; Stylus needs exactly one memory exported as \"{MEMORY_EXPORT}\""),
            );
            return 0;
        };
        if count > 1 {
            self.violation(
                Rule::Memory,
                format!("module has {count} memories; Stylus allows exactly one"),
            );
        }
        match self.export(MEMORY_EXPORT) {
            Some((ExternalKind::Memory, 0)) => {}
            Some((kind, _)) => self.violation(
                Rule::Memory,
                format!(
                    "export \"{MEMORY_EXPORT}\" is a {}, not memory 0",
                    kind_name(kind)
                ),
            ),
            None => self.violation(
                Rule::Memory,
                format!("the memory is not exported as \"{MEMORY_EXPORT}\""),
            ),
        }
        if memory.initial > MAX_PAGES {
            self.violation(
                Rule::Memory,
                format!(
                    "initial memory is {} pages; Nitro allows at most {MAX_PAGES}",
                    memory.initial
                ),
            );
        }
        if is_growable(&memory) && !self.host_imports.iter().any(|n| n == PAY_FOR_MEMORY_GROW) {
            let maximum = memory
                .maximum
                .map_or_else(|| "no maximum".to_string(), |m| format!("maximum {m}"));
            self.violation(
                Rule::MemoryGrow,
                format!(
                    "memory can grow (initial {} pages, {maximum}) but {HOST_MODULE}.{PAY_FOR_MEMORY_GROW} \
                     is not imported; Nitro requires it for any memory whose maximum is not its initial size",
                    memory.initial
                ),
            );
        }
        memory.initial
    }

    fn check_entrypoint(&mut self) {
        let want = format_signature(&[HostType::I32], &[HostType::I32]);
        match self.export(ENTRYPOINT) {
            None => self.violation(
                Rule::Entrypoint,
                format!("missing export {ENTRYPOINT} (a function of type {want})"),
            ),
            Some((ExternalKind::Func, index)) => {
                let ok = self.type_of_function(index).is_some_and(|ty| {
                    ty.params() == [ValType::I32] && ty.results() == [ValType::I32]
                });
                if !ok {
                    let have = self
                        .type_of_function(index)
                        .map(|ty| format_signature(ty.params(), ty.results()))
                        .unwrap_or_else(|| "an unknown type".into());
                    self.violation(
                        Rule::Entrypoint,
                        format!("{ENTRYPOINT} has type {have}; it must be {want}"),
                    );
                }
            }
            Some((kind, _)) => self.violation(
                Rule::Entrypoint,
                format!(
                    "export {ENTRYPOINT} is a {}, not a function",
                    kind_name(kind)
                ),
            ),
        }
    }

    /// Nitro refuses exports whose last `__`-separated part is an import's
    /// name or starts with the reserved `stylus`.
    fn check_export_names(&mut self) {
        let mut found = Vec::new();
        for (name, _, _) in &self.exports {
            let last = name.rsplit("__").next().unwrap_or(name);
            if self.import_names.contains(last) {
                found.push((
                    Rule::Export,
                    format!("export \"{name}\" has the same name as the import {last}; Nitro rejects that"),
                ));
            }
            if last.starts_with("stylus") {
                found.push((
                    Rule::Export,
                    format!("export \"{name}\" uses the reserved prefix \"stylus\""),
                ));
            }
        }
        for (rule, message) in found {
            self.violation(rule, message);
        }
    }

    fn check_counts(&mut self) {
        let table_entries: u64 = self.tables.iter().map(|t| t.initial).sum();
        let checks = [
            ("data segments", self.data_segments, MAX_DATA_SEGMENTS),
            (
                "element segments",
                self.element_segments,
                MAX_ELEMENT_SEGMENTS,
            ),
            ("functions", self.local_funcs.len() as u64, MAX_FUNCTIONS),
            ("imports", self.imports, MAX_IMPORTS),
            (
                "globals (with the 4 instrumentation adds)",
                self.own_globals + INSTRUMENTATION_GLOBALS,
                MAX_GLOBALS,
            ),
            ("table entries", table_entries, MAX_TABLE_ENTRIES),
            (
                "bytes of element segments",
                self.element_bytes,
                MAX_ELEMENT_ENTRIES,
            ),
        ];
        for (what, count, limit) in checks {
            if count > limit {
                self.violation(
                    Rule::Limit,
                    format!("module has {count} {what}; Nitro allows at most {limit}"),
                );
            }
        }
    }

    fn export(&self, name: &str) -> Option<(ExternalKind, u32)> {
        self.exports
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, kind, index)| (*kind, *index))
    }
}
