//! Charts drawn on the server, so that no script is needed to see them:
//! the geometry is worked out here, the markup is in `templates/_chart.html`.
//! The supervisors' overview (complaints and breaches a day, breaches by
//! merchant) and an incident's timeline (arrivals an hour) draw with it.
//!
//! Nothing is scaled: the SVGs have no `viewBox`, so their text is drawn at
//! the stylesheet's size (12 px) at any width. Bars and labels are placed in
//! percentages of the plot's width; the axis labels of a column chart are
//! chosen twice, for a phone's plot and for a wide one (the stylesheet
//! shows one set or the other by the chart's own width), so that they
//! never overlap or reach past either edge. Every chart also comes as a
//! table with the same figures and links.

mod axis;

pub use axis::{Anchor, nice_ticks, thin};

use crate::i18n::Tr;

/// The narrowest plot the phone labels are chosen for (a 320 px screen
/// leaves about this much beside the y axis), and the narrowest the wide
/// ones are shown on (`.columns` at 36rem, in `static/app.css`).
pub const NARROW_PX: f64 = 230.0;
pub const WIDE_PX: f64 = 540.0;
/// A column chart's scale has at most this many steps; the horizontal
/// one's, fewer (its labels are side by side).
const Y_STEPS: usize = 5;
const X_STEPS: usize = 4;
/// Slots fewer than this are drawn as narrow as this many would be.
const MIN_SLOTS: f64 = 12.0;

/// A series of a column chart: its CSS class and what it counts (the
/// table's column heading).
pub struct Series {
    pub class: &'static str,
    pub name: String,
}

/// One count, and where the things it counts are listed.
pub struct Count {
    pub n: usize,
    pub href: Option<String>,
}

impl Count {
    pub fn new(n: usize, href: impl Into<String>) -> Count {
        Count { n, href: (n > 0).then(|| href.into()) }
    }

    pub fn unlinked(n: usize) -> Count {
        Count { n, href: None }
    }
}

/// One column: which series, where it is (percentages of the plot), what
/// it counts and where those are listed.
pub struct Bar {
    pub class: &'static str,
    pub x: f64,
    pub w: f64,
    pub y: f64,
    pub h: f64,
    pub n: usize,
    pub href: Option<String>,
    /// "11-20 · 收到的投诉 3".
    pub title: String,
}

/// One slot of the axis (a day, an hour): its label and a column per series.
pub struct Slot {
    pub label: String,
    pub bars: Vec<Bar>,
}

/// A value of the scale and where its grid line is (percent from the top,
/// or from the left in a horizontal chart), anchored to stay inside.
pub struct Tick {
    pub value: usize,
    pub at: f64,
    pub anchor: &'static str,
}

/// A label under the axis: its text, where (percent), how it is anchored.
pub struct Label {
    pub text: String,
    pub x: f64,
    pub anchor: &'static str,
}

pub struct Columns {
    pub series: Vec<Series>,
    pub slots: Vec<Slot>,
    /// From 0 up to the top of the scale.
    pub ticks: Vec<Tick>,
    /// The labels under the axis on a phone, and on a wider plot.
    pub narrow: Vec<Label>,
    pub wide: Vec<Label>,
    /// The table's heading over the slots' labels ("日期").
    pub heading: String,
    /// "以表格查看".
    pub as_table: String,
}

fn percent(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A column chart of `slots` (each a label and one count per series, the
/// series side by side), on a scale of round numbers.
pub fn columns(t: &Tr, slots: Vec<(String, Vec<Count>)>, series: Vec<Series>, heading: &str) -> Columns {
    let max = slots.iter().flat_map(|(_, ns)| ns.iter().map(|c| c.n)).max().unwrap_or(0);
    let ticks = nice_ticks(max, Y_STEPS);
    let top = *ticks.last().unwrap_or(&1) as f64;
    let labels: Vec<String> = slots.iter().map(|(label, _)| label.clone()).collect();
    let n = slots.len().max(1) as f64;
    let slot = 100.0 / n;
    // The columns of a slot take four fifths of it (of a twelfth of the
    // plot at most), a little apart from each other.
    let group = 0.8 * 100.0 / n.max(MIN_SLOTS);
    let share = group / series.len().max(1) as f64;
    let named = series.len() > 1;
    let slots = slots
        .into_iter()
        .enumerate()
        .map(|(i, (label, counts))| {
            let start = (i as f64 + 0.5) * slot - group / 2.0;
            let bars = counts
                .into_iter()
                .zip(&series)
                .enumerate()
                .map(|(j, (count, s))| {
                    let h = count.n as f64 / top * 100.0;
                    Bar {
                        class: s.class,
                        x: percent(start + j as f64 * share),
                        w: percent(share * 0.85),
                        y: percent(100.0 - h),
                        h: percent(h),
                        n: count.n,
                        href: count.href,
                        title: if named {
                            format!("{label} · {} {}", s.name, count.n)
                        } else {
                            format!("{label} · {}", count.n)
                        },
                    }
                })
                .collect();
            Slot { label, bars }
        })
        .collect();
    let place = |width: f64| {
        thin(&labels, width)
            .into_iter()
            .map(|(i, anchor)| Label {
                text: labels[i].clone(),
                x: match anchor {
                    Anchor::End => 100.0,
                    _ => percent((i as f64 + 0.5) * slot),
                },
                anchor: anchor.svg(),
            })
            .collect()
    };
    Columns {
        narrow: place(NARROW_PX),
        wide: place(WIDE_PX),
        ticks: ticks
            .iter()
            .map(|&v| Tick { value: v, at: percent(100.0 - v as f64 / top * 100.0), anchor: "end" })
            .collect(),
        series,
        slots,
        heading: heading.to_owned(),
        as_table: t.get("chart.as_table").to_owned(),
    }
}

/// One bar of a horizontal chart: what it is, its count, its length
/// (percent of the track) and where the things it counts are listed.
pub struct Row {
    pub name: String,
    pub n: usize,
    pub w: f64,
    pub href: Option<String>,
}

pub struct Rows {
    pub rows: Vec<Row>,
    /// Along the track, from 0; the first anchored at its start, the last
    /// at its end.
    pub ticks: Vec<Tick>,
    /// The table's headings: what the rows are, what they count.
    pub heading: String,
    pub counted: String,
    pub as_table: String,
}

/// A horizontal bar chart of `(name, count)`, in the order given.
pub fn rows(t: &Tr, items: Vec<(String, Count)>, heading: &str, counted: &str) -> Rows {
    let max = items.iter().map(|(_, c)| c.n).max().unwrap_or(0);
    let ticks = nice_ticks(max, X_STEPS);
    let top = *ticks.last().unwrap_or(&1) as f64;
    let last = ticks.len() - 1;
    Rows {
        rows: items
            .into_iter()
            .map(|(name, c)| Row { name, n: c.n, w: percent(c.n as f64 / top * 100.0), href: c.href })
            .collect(),
        ticks: ticks
            .iter()
            .enumerate()
            .map(|(i, &v)| Tick {
                value: v,
                at: percent(v as f64 / top * 100.0),
                anchor: match i {
                    0 => "start",
                    i if i == last => "end",
                    _ => "middle",
                },
            })
            .collect(),
        heading: heading.to_owned(),
        counted: counted.to_owned(),
        as_table: t.get("chart.as_table").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn series() -> Vec<Series> {
        vec![Series { class: "one", name: "收到".into() }, Series { class: "two", name: "超时".into() }]
    }

    #[test]
    fn columns_share_one_round_scale_and_sit_in_their_slots() {
        let t = Lang::ZhCn.tr();
        let slots = vec![
            ("a".into(), vec![Count::new(4, "/a1"), Count::new(1, "/a2")]),
            ("b".into(), vec![Count::new(0, "/b1"), Count::new(2, "/b2")]),
        ];
        let chart = columns(&t, slots, series(), "日期");
        let values: Vec<usize> = chart.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, [0, 1, 2, 3, 4]);
        assert_eq!(chart.ticks.iter().map(|t| t.at).collect::<Vec<_>>(), [100.0, 75.0, 50.0, 25.0, 0.0]);
        let heights: Vec<f64> = chart.slots.iter().flat_map(|s| s.bars.iter().map(|b| b.h)).collect();
        assert_eq!(heights, [100.0, 25.0, 0.0, 50.0]);
        assert!(chart.slots.iter().all(|s| s.bars.iter().all(|b| b.y + b.h == 100.0)), "on the axis");
        let (a, b) = (&chart.slots[0], &chart.slots[1]);
        assert!(a.bars[0].x < a.bars[1].x && a.bars[1].x + a.bars[1].w < b.bars[0].x, "side by side");
        assert!(b.bars[1].x + b.bars[1].w <= 100.0);
        assert_eq!(a.bars[1].title, "a · 超时 1");
        assert_eq!(a.bars[1].href.as_deref(), Some("/a2"));
        assert_eq!(b.bars[0].href, None, "nothing to list behind a zero");
        let last = chart.narrow.last().unwrap();
        assert_eq!((last.text.as_str(), last.x, last.anchor), ("b", 100.0, "end"));
        let empty = columns(&t, Vec::new(), series(), "日期");
        assert_eq!((empty.ticks.len(), empty.slots.len(), empty.narrow.len()), (2, 0, 0));
    }

    #[test]
    fn a_month_of_days_is_labelled_sparsely_on_a_phone_and_densely_when_wide() {
        let t = Lang::En.tr();
        let days: Vec<(String, Vec<Count>)> =
            (1..=30).map(|d| (format!("11-{d:02}"), vec![Count::unlinked(d)])).collect();
        let chart = columns(&t, days, vec![Series { class: "one", name: "n".into() }], "Day");
        assert!(chart.narrow.len() >= 4 && chart.narrow.len() < chart.wide.len(), "{}", chart.narrow.len());
        assert_eq!(chart.narrow.last().unwrap().text, "11-30", "the newest day is always named");
        assert_eq!(chart.slots[0].bars[0].title, "11-01 · 1", "one series needs no name");
        let values: Vec<usize> = chart.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, [0, 10, 20, 30]);
    }

    #[test]
    fn rows_are_measured_against_a_round_top() {
        let t = Lang::ZhCn.tr();
        let chart =
            rows(&t, vec![("甲".into(), Count::new(7, "/m/1")), ("乙".into(), Count::new(3, "/m/2"))], "商家", "超时");
        assert_eq!(chart.ticks.iter().map(|t| t.value).collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
        assert_eq!(
            chart.ticks.iter().map(|t| t.anchor).collect::<Vec<_>>(),
            ["start", "middle", "middle", "middle", "end"]
        );
        assert_eq!(chart.rows.iter().map(|r| r.w).collect::<Vec<_>>(), [87.5, 37.5]);
        assert_eq!(chart.as_table, "以表格查看这些数字");
    }
}
