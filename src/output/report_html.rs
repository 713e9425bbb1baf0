//! `report.html`: one self-contained page per run (charts embedded as
//! base64 PNG, styles inline, no scripts, nothing fetched from a network)
//! with the scenario's title, the run's facts, the summary table, every
//! chart and every input with its P5/P50/P95.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;

use base64::Engine as _;

use super::charts::{ChartSet, CHARTS};
use super::format::{percent, significant, thousands};
use super::terminal::{input_summary, metric_value};
use super::{Exporter, RunReport};
use crate::model::Metric;
use crate::scenario::Scenario;
use crate::time::rfc3339;

/// File name.
pub const FILE_NAME: &str = "report.html";

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#212529;max-width:1160px;\
margin:2em auto;padding:0 1em;line-height:1.45}h1{font-size:1.7em;margin-bottom:.2em}\
h2{margin-top:2em;border-bottom:1px solid #dee2e6;padding-bottom:.2em}.facts{color:#555}\
table{border-collapse:collapse;margin:1em 0;font-size:.95em}th,td{padding:.35em .8em;\
border-bottom:1px solid #e9ecef;text-align:right}th:first-child,td:first-child,td.text{text-align:left}\
thead th{border-bottom:2px solid #adb5bd}code{font-size:.95em}figure{margin:1.5em 0}\
img{width:100%;height:auto;border:1px solid #e9ecef}figcaption{color:#555;font-size:.9em}";

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report, embedding the charts of a [`ChartSet`].
#[derive(Debug)]
pub struct ReportHtml {
    set: Arc<ChartSet>,
}

impl ReportHtml {
    /// A report that embeds the charts drawn by `set`.
    pub fn new(set: Arc<ChartSet>) -> Self {
        ReportHtml { set }
    }
}

impl Exporter for ReportHtml {
    fn file_name(&self) -> String {
        FILE_NAME.to_string()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = report.scenario;
        let mut html = String::with_capacity(4 << 20);
        let title = escape(&s.title);
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title} · capsim</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        );
        facts(&mut html, report);
        summary(&mut html, report);
        html.push_str("<h2>Charts</h2>\n");
        for kind in CHARTS {
            let png = self.set.png(report, kind)?;
            let name = kind.file_name();
            let _ = writeln!(
                html,
                "<figure><img src=\"data:image/png;base64,{}\" alt=\"{name}\"><figcaption>{name}</figcaption></figure>",
                base64::engine::general_purpose::STANDARD.encode(png)
            );
        }
        inputs(&mut html, s);
        html.push_str("</body>\n</html>\n");
        out.write_all(html.as_bytes())
    }
}

/// The run's facts under the title.
fn facts(html: &mut String, report: &RunReport<'_>) {
    let s = report.scenario;
    let sim = &report.results.simulation;
    let share = |m: Metric| 1.0 - report.results.statistics.summaries[m as usize].censored_share;
    let _ = write!(
        html,
        "<p class=\"facts\">Scenario <code>{}</code> from {} · {} to {} ({} months) · {} paths · \
         seed {} · {} sampling · {} threads, {:.2} s · capsim {} · finished {}</p>\n\
         <p>P(target reached within the horizon): <b>{}</b> · \
         P(cash breaks even within the horizon): <b>{}</b></p>\n",
        escape(&s.name),
        escape(s.source()),
        s.start,
        s.start.plus(s.months.saturating_sub(1)),
        s.months,
        thousands(sim.paths),
        s.seed,
        s.sampling.name(),
        sim.threads,
        report.results.seconds,
        env!("CARGO_PKG_VERSION"),
        rfc3339(report.finished_at),
        percent(share(Metric::TargetMonth)),
        percent(share(Metric::BreakevenMonth)),
    );
    if !s.applied_overrides().is_empty() {
        let set: Vec<String> = s
            .applied_overrides()
            .iter()
            .map(|o| format!("<code>{}</code>", escape(o)))
            .collect();
        let _ = writeln!(html, "<p class=\"facts\">--set {}</p>", set.join(", "));
    }
}

/// The metric summary table.
fn summary(html: &mut String, report: &RunReport<'_>) {
    let s = report.scenario;
    html.push_str(
        "<h2>Summary</h2>\n<table>\n<thead><tr><th>metric</th><th>P5</th><th>P50</th><th>P95</th>\
         <th>mean</th><th>censored</th></tr></thead>\n<tbody>\n",
    );
    for m in &report.results.statistics.summaries {
        let v = |x: f64| escape(&metric_value(s, m.metric, x));
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.metric.name(),
            v(m.percentiles[0]),
            v(m.percentiles[3]),
            v(m.percentiles[6]),
            v(m.mean),
            percent(m.censored_share),
        );
    }
    html.push_str(
        "</tbody>\n</table>\n<p class=\"facts\">Month metrics are shown as dates; \"never\" means \
         the percentile falls on paths where it does not happen within the horizon.</p>\n",
    );
}

/// Every input as written, with its P5/P50/P95, then the correlations.
fn inputs(html: &mut String, s: &Scenario) {
    html.push_str(
        "<h2>Inputs</h2>\n<table>\n<thead><tr><th>input</th><th>value</th><th>P5</th><th>P50</th>\
         <th>P95</th></tr></thead>\n<tbody>\n",
    );
    for input in &s.inputs {
        let (written, q) = input_summary(input);
        let q = q.unwrap_or_default();
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            input.id.key(),
            escape(&written),
            escape(&q[0]),
            escape(&q[1]),
            escape(&q[2]),
        );
    }
    html.push_str("</tbody>\n</table>\n");
    if !s.correlations.is_empty() {
        html.push_str("<p>Rank correlations (Spearman):</p>\n<ul>\n");
        for c in &s.correlations {
            let _ = writeln!(
                html,
                "<li><code>{}</code> ~ <code>{}</code>: {}</li>",
                c.a.key(),
                c.b.key(),
                significant(c.rank, 3)
            );
        }
        html.push_str("</ul>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("$1.4T plan"), "$1.4T plan");
    }
}
