//! The results table (text or JSON) that `stylus-artifact` prints.

use stylus_artifact::Artifact;

/// One contract's outcome.
pub struct Outcome {
    pub name: String,
    /// The artifact, if the contract could be built (it may still be over budget).
    pub artifact: Option<Artifact>,
    /// Everything wrong with it, one line each; empty when it passes.
    pub problems: Vec<String>,
}

const HEADERS: [&str; 10] = [
    "contract",
    "input wasm",
    "wasm",
    "code",
    "pages",
    "funcs",
    "init_cost",
    "cached_init",
    "uncached gas",
    "cached gas",
];

fn row(name: &str, a: &Artifact) -> [String; 10] {
    [
        name.to_string(),
        a.raw_len.to_string(),
        a.wasm.len().to_string(),
        a.code.len().to_string(),
        a.info.footprint().to_string(),
        a.info.funcs().to_string(),
        a.costs.init_cost.to_string(),
        a.costs.cached_init_cost.to_string(),
        a.costs.uncached_entry_gas.to_string(),
        a.costs.cached_entry_gas.to_string(),
    ]
}

/// A fixed-width table of every contract that could be built.
pub fn table(outcomes: &[Outcome]) -> String {
    let rows: Vec<[String; 10]> = outcomes
        .iter()
        .filter_map(|o| o.artifact.as_ref().map(|a| row(&o.name, a)))
        .collect();
    let mut widths = HEADERS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                0 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(&HEADERS.map(String::from));
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out.push_str(
        "(bytes: input wasm, deployed wasm, on-chain code with prefix; pages: initial memory; \
         gas: entry cost before the first instruction)\n",
    );
    out
}

/// The outcomes as a JSON document.
pub fn json(outcomes: &[Outcome]) -> String {
    let mut out = String::from("{\n  \"contracts\": [");
    for (i, o) in outcomes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n    {");
        let mut fields = vec![
            format!("\"name\": {}", string(&o.name)),
            format!("\"ok\": {}", o.problems.is_empty()),
        ];
        if let Some(a) = &o.artifact {
            let c = &a.info.cost_inputs;
            let numbers = [
                ("raw_wasm_bytes", a.raw_len as u64),
                ("wasm_bytes", a.wasm.len() as u64),
                ("code_bytes", a.code.len() as u64),
                ("footprint_pages", c.footprint),
                ("funcs", c.funcs),
                ("type_len", c.type_len),
                ("globals", c.globals),
                ("data_bytes", c.data_len),
                ("init_cost", a.costs.init_cost),
                ("cached_init_cost", a.costs.cached_init_cost),
                ("uncached_entry_gas", a.costs.uncached_entry_gas),
                ("cached_entry_gas", a.costs.cached_entry_gas),
            ];
            fields.extend(numbers.iter().map(|(k, v)| format!("\"{k}\": {v}")));
            let hooks: Vec<String> = a.info.host_imports.iter().map(|h| string(h)).collect();
            fields.push(format!("\"host_imports\": [{}]", hooks.join(", ")));
        }
        let problems: Vec<String> = o.problems.iter().map(|p| string(p)).collect();
        fields.push(format!("\"problems\": [{}]", problems.join(", ")));
        out.push_str("\n      ");
        out.push_str(&fields.join(",\n      "));
        out.push_str("\n    }");
    }
    out.push_str("\n  ]\n}\n");
    out
}

/// A JSON string literal.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn escapes_json_strings() {
        assert_eq!(string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
