//! Charts drawn on the server as SVG, inline in the page (no script, no chart library from a
//! CDN): stacked columns over time (a trend) and stacked bars per row (backlog, SLA, hotspots).
//! Every chart has its numbers in words too — each shape's `<title>` and a table beside it — so
//! a screen reader and a phone on a slow network lose nothing. Geometry only; the words are the
//! caller's and the markup the templates'.

/// Series colours (readable on white, distinct for the common colour blindnesses), then grey
/// for "the rest".
pub const PALETTE: [&str; 6] = [
    "#1f5f8b", "#e07b00", "#2a8a4a", "#b8336a", "#6c4fa3", "#7a6a00",
];
pub const REST: &str = "#8a9099";

/// A named series of values, one per column or part.
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// A legend entry.
pub struct Key {
    pub colour: &'static str,
    pub name: String,
}

/// A filled rectangle with what it shows in words.
pub struct Shape {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub colour: &'static str,
    pub title: String,
}

/// A label at a point.
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// Columns over time: `width × height` in SVG units, the value axis with gridlines.
pub struct Columns {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
    /// Gridlines at these y, labelled with their value.
    pub grid: Vec<Label>,
    /// Bucket labels under the columns.
    pub ticks: Vec<Label>,
    pub legend: Vec<Key>,
}

const W: f64 = 720.0;
const H: f64 = 320.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 12.0;

/// The colour of series `i` of `n` (the last is grey when it is "the rest").
fn colour(i: usize, rest_last: bool, n: usize) -> &'static str {
    if rest_last && i + 1 == n {
        REST
    } else {
        PALETTE[i % PALETTE.len()]
    }
}

/// A "nice" top of the value axis and its step: 1, 2 or 5 × 10ⁿ, four or five steps.
pub fn axis(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            let s = step * m;
            if max <= s * 5 {
                return ((max + s - 1) / s * s, s);
            }
        }
        step *= 10;
    }
}

/// Stacked columns, one per bucket; `series` stacked bottom-up in order (a last series named
/// "the rest" drawn grey when `rest_last`).
pub fn columns(buckets: &[String], series: &[Series], rest_last: bool) -> Columns {
    let n = buckets.len().max(1);
    let totals: Vec<i64> = (0..buckets.len())
        .map(|b| {
            series
                .iter()
                .map(|s| s.values.get(b).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let (top, step) = axis(totals.iter().copied().max().unwrap_or(0));
    let plot_h = H - BOTTOM - TOP;
    let slot = (W - LEFT) / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let y_of = |v: i64| TOP + plot_h - plot_h * v as f64 / top as f64;
    let mut shapes = Vec::new();
    for (b, bucket) in buckets.iter().enumerate() {
        let mut base = 0;
        for (i, s) in series.iter().enumerate() {
            let v = s.values.get(b).copied().unwrap_or(0);
            if v > 0 {
                shapes.push(Shape {
                    x: LEFT + slot * b as f64 + (slot - bar) / 2.0,
                    y: y_of(base + v),
                    w: bar,
                    h: y_of(base) - y_of(base + v),
                    colour: colour(i, rest_last, series.len()),
                    title: format!("{bucket} · {}: {v}", s.name),
                });
            }
            base += v;
        }
    }
    let grid = (0..=top / step)
        .map(|k| Label {
            x: LEFT - 6.0,
            y: y_of(k * step),
            text: (k * step).to_string(),
        })
        .collect();
    // At most twelve bucket labels, evenly spaced.
    let every = buckets.len().div_ceil(12).max(1);
    let ticks = buckets
        .iter()
        .enumerate()
        .filter(|(b, _)| b % every == 0)
        .map(|(b, text)| Label {
            x: LEFT + slot * (b as f64 + 0.5),
            y: H - BOTTOM + 20.0,
            text: text.clone(),
        })
        .collect();
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| Key {
            colour: colour(i, rest_last, series.len()),
            name: s.name.clone(),
        })
        .collect();
    Columns {
        width: W as u32,
        height: H as u32,
        shapes,
        grid,
        ticks,
        legend,
    }
}

/// One row of a bar chart: its label, its total and its parts as one strip 0–100 wide.
pub struct Bar {
    pub label: String,
    pub total: i64,
    pub shapes: Vec<Shape>,
    /// "0-3 hari: 4, 4-7 hari: 2"
    pub words: String,
}

/// Stacked bars, one per row, scaled to the biggest row; the parts named by `parts`.
pub fn bars(rows: &[(String, Vec<i64>)], parts: &[String]) -> (Vec<Bar>, Vec<Key>) {
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = rows
        .iter()
        .map(|(label, values)| {
            let mut x = 0.0;
            let mut shapes = Vec::new();
            let mut words = Vec::new();
            for (i, v) in values.iter().enumerate() {
                let name = parts.get(i).cloned().unwrap_or_default();
                if *v > 0 {
                    let w = 100.0 * *v as f64 / max as f64;
                    // A bar of one part says just its number.
                    let said = if parts.len() == 1 {
                        v.to_string()
                    } else {
                        format!("{name}: {v}")
                    };
                    shapes.push(Shape {
                        x,
                        y: 0.0,
                        w,
                        h: 10.0,
                        colour: PALETTE[i % PALETTE.len()],
                        title: format!("{label} · {said}"),
                    });
                    x += w;
                    words.push(said);
                }
            }
            Bar {
                label: label.clone(),
                total: values.iter().sum(),
                shapes,
                words: words.join(", "),
            }
        })
        .collect();
    let legend = parts
        .iter()
        .enumerate()
        .map(|(i, name)| Key {
            colour: PALETTE[i % PALETTE.len()],
            name: name.clone(),
        })
        .collect();
    (bars, legend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(4), (4, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(23), (25, 5));
        assert_eq!(axis(480), (500, 100));
        assert_eq!(axis(1_234), (1_500, 500));
    }

    #[test]
    fn columns_stack_and_scale_to_the_tallest() {
        let c = columns(
            &["2026-01".into(), "2026-02".into()],
            &[
                Series {
                    name: "jalan".into(),
                    values: vec![3, 1],
                },
                Series {
                    name: "sampah".into(),
                    values: vec![1, 0],
                },
            ],
            false,
        );
        // Three shapes (no shape for a zero), the tallest column reaching the axis top (4).
        assert_eq!(c.shapes.len(), 3);
        let top = c.shapes.iter().map(|s| s.y).fold(f64::MAX, f64::min);
        assert!((top - TOP).abs() < 1e-9, "{top}");
        assert_eq!(c.shapes[1].title, "2026-01 · sampah: 1");
        assert_eq!(c.grid.last().unwrap().text, "4");
    }

    #[test]
    fn bars_share_one_scale() {
        let (bars, legend) = bars(
            &[("A".into(), vec![2, 2]), ("B".into(), vec![1, 0])],
            &["baru".into(), "lama".into()],
        );
        assert_eq!(legend.len(), 2);
        assert_eq!(bars[0].total, 4);
        assert!((bars[0].shapes.iter().map(|s| s.w).sum::<f64>() - 100.0).abs() < 1e-9);
        assert!((bars[1].shapes[0].w - 25.0).abs() < 1e-9);
        assert_eq!(bars[1].words, "baru: 1");
    }
}
