//! Column charts drawn as SVG on the server, so that no script is needed
//! to see them: the geometry is worked out here, the markup is the
//! `columns` macro of `templates/_chart.html`. The supervisors' overview
//! (complaints and breaches a day) and an incident's timeline (arrivals an
//! hour) draw with it.

/// The drawing's width and the plot's height and left margin, in SVG user
/// units (the macro's `viewBox` is `0 0 640 210`).
const WIDTH: f64 = 640.0;
const PLOT_H: f64 = 180.0;
const LEFT: f64 = 36.0;
/// The widest a column is drawn.
const MAX_BAR: f64 = 8.0;

/// One column: its CSS class (which series), where it is, what it counts.
pub struct Bar {
    pub class: &'static str,
    pub x: f64,
    pub y: f64,
    pub h: f64,
    pub n: usize,
}

/// One slot of the axis (a day, an hour): its label and its columns, one
/// per series.
pub struct Slot {
    pub label: String,
    pub bars: Vec<Bar>,
    /// Whether the label is written under the axis.
    pub tick: bool,
    pub tick_x: f64,
}

pub struct Columns {
    pub slots: Vec<Slot>,
    /// The top of the scale: the largest count (at least 1).
    pub max: usize,
    pub bar_w: f64,
}

/// A chart of `slots` (each a label and one count per series), the series
/// drawn with `classes` side by side in each slot; every `tick_every`-th
/// label is written under the axis.
pub fn columns(slots: Vec<(String, Vec<usize>)>, classes: &[&'static str], tick_every: usize) -> Columns {
    let max = slots.iter().flat_map(|(_, ns)| ns.iter().copied()).max().unwrap_or(0).max(1);
    let slot = (WIDTH - LEFT) / slots.len().max(1) as f64;
    let series = classes.len().max(1) as f64;
    let height = |n: usize| (n as f64 / max as f64 * PLOT_H).round();
    let every = tick_every.max(1);
    let slots = slots
        .into_iter()
        .enumerate()
        .map(|(i, (label, counts))| {
            let x = LEFT + i as f64 * slot + 2.0;
            let bars = counts
                .into_iter()
                .zip(classes)
                .enumerate()
                .map(|(j, (n, class))| Bar {
                    class,
                    x: x + j as f64 * (slot / series - 1.0),
                    y: PLOT_H - height(n),
                    h: height(n),
                    n,
                })
                .collect();
            Slot { label, bars, tick: i % every == every - 1, tick_x: x + slot / 2.0 - 2.0 }
        })
        .collect();
    Columns { slots, max, bar_w: (slot / series - 2.0).clamp(1.0, MAX_BAR) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_share_one_scale_and_sit_in_their_slots() {
        let chart = columns(vec![("a".into(), vec![4, 1]), ("b".into(), vec![0, 2])], &["one", "two"], 2);
        assert_eq!(chart.max, 4);
        let heights: Vec<f64> = chart.slots.iter().flat_map(|s| s.bars.iter().map(|b| b.h)).collect();
        assert_eq!(heights, [180.0, 45.0, 0.0, 90.0]);
        assert!(chart.slots.iter().all(|s| s.bars.iter().all(|b| b.y + b.h == PLOT_H)), "on the axis");
        let (a, b) = (&chart.slots[0], &chart.slots[1]);
        assert!(a.bars[0].x < a.bars[1].x && a.bars[1].x + chart.bar_w < b.bars[0].x, "side by side");
        assert_eq!((a.tick, b.tick), (false, true));
        assert_eq!(a.bars[1].class, "two");
        let empty = columns(Vec::new(), &["one"], 5);
        assert_eq!((empty.max, empty.slots.len()), (1, 0));
    }
}
