//! The axes of a chart: a scale of round numbers, and which slot labels fit
//! under the axis without overlapping or reaching past its ends.

/// The size the stylesheet sets chart labels in, and the room kept between
/// two labels, in CSS px.
pub const LABEL_PX: f64 = 12.0;
const GAP_PX: f64 = 8.0;

/// The values of a count axis from 0: steps of 1, 2 or 5 times a power of
/// ten, the smallest that reaches `max` in at most `steps` steps (0, 5, 10,
/// 15 for 13). An empty chart still has a scale: 0 and 1.
pub fn nice_ticks(max: usize, steps: usize) -> Vec<usize> {
    let steps = steps.max(1);
    let mut power = 1usize;
    loop {
        for step in [1usize, 2, 5].map(|m| m.saturating_mul(power)) {
            if max.div_ceil(step) <= steps {
                return (0..=max.div_ceil(step).max(1)).map(|i| i * step).collect();
            }
        }
        power = power.saturating_mul(10);
    }
}

/// How wide `text` is drawn at [`LABEL_PX`], generously: a digit or a Latin
/// letter is taken as 0.62 em, a space as a third, a Chinese character as 1.
pub fn text_px(text: &str) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            ' ' => 0.33,
            c if c.is_ascii() => 0.62,
            _ => 1.0,
        })
        .sum();
    em * LABEL_PX
}

/// How a label stands to the point it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Centred under its slot.
    Middle,
    /// Ending at the plot's right edge (the last slot's label, which
    /// centred would reach past it).
    End,
}

impl Anchor {
    /// The SVG `text-anchor` for it.
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Which of `labels` (one a slot, evenly across `width` CSS px) are written
/// under the axis: the last (the newest) always, ending at the right edge,
/// then every k-th before it, centred under its slot, for the smallest k
/// at which no two come closer than a small gap. A label that would reach
/// past the left edge is left out rather than moved off its slot. In the
/// slots' order.
pub fn thin(labels: &[String], width: f64) -> Vec<(usize, Anchor)> {
    let n = labels.len();
    if n == 0 || text_px(&labels[n - 1]) > width {
        return Vec::new();
    }
    let slot = width / n as f64;
    for k in 1..=n {
        let mut picked = vec![(n - 1, Anchor::End)];
        // The left edge of the label placed last (to the right).
        let mut left = width - text_px(&labels[n - 1]);
        let mut fits = true;
        for i in (0..n - 1).rev().skip(k - 1).step_by(k) {
            let (centre, half) = ((i as f64 + 0.5) * slot, text_px(&labels[i]) / 2.0);
            if centre + half + GAP_PX > left {
                fits = false;
                break;
            }
            if centre - half < 0.0 {
                break;
            }
            picked.push((i, Anchor::Middle));
            left = centre - half;
        }
        if fits {
            picked.reverse();
            return picked;
        }
    }
    vec![(n - 1, Anchor::End)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_from_zero_past_the_largest() {
        assert_eq!(nice_ticks(13, 5), [0, 5, 10, 15]);
        assert_eq!(nice_ticks(15, 5), [0, 5, 10, 15]);
        assert_eq!(nice_ticks(16, 5), [0, 5, 10, 15, 20]);
        assert_eq!(nice_ticks(3, 5), [0, 1, 2, 3]);
        assert_eq!(nice_ticks(7, 5), [0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(9, 4), [0, 5, 10]);
        assert_eq!(nice_ticks(26, 5), [0, 10, 20, 30]);
        assert_eq!(nice_ticks(120, 5), [0, 50, 100, 150]);
        assert_eq!(nice_ticks(4_321, 5), [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
        assert_eq!(nice_ticks(1, 5), [0, 1]);
        assert_eq!(nice_ticks(0, 5), [0, 1], "an empty chart still has a scale");
        for max in 0..500 {
            let ticks = nice_ticks(max, 5);
            let step = ticks[1];
            assert!(ticks.len() <= 6 && *ticks.last().unwrap() >= max, "{max}: {ticks:?}");
            assert!(ticks.windows(2).all(|w| w[1] - w[0] == step), "{max}: {ticks:?}");
            assert!(*ticks.last().unwrap() - step < max.max(1), "no step wasted above {max}: {ticks:?}");
            let lead = step / 10usize.pow(step.ilog10());
            assert!([1, 2, 5].contains(&lead) && step.is_multiple_of(10usize.pow(step.ilog10())), "{step}");
        }
    }

    fn days(n: usize) -> Vec<String> {
        (0..n).map(|d| format!("11-{:02}", d % 30 + 1)).collect()
    }

    /// Each picked label's box, left to right, at `width`.
    fn boxes(labels: &[String], width: f64) -> Vec<(f64, f64)> {
        let slot = width / labels.len() as f64;
        thin(labels, width)
            .into_iter()
            .map(|(i, a)| {
                let w = text_px(&labels[i]);
                match a {
                    Anchor::End => (width - w, width),
                    Anchor::Middle => ((i as f64 + 0.5) * slot - w / 2.0, (i as f64 + 0.5) * slot + w / 2.0),
                }
            })
            .collect()
    }

    #[test]
    fn labels_are_thinned_to_fit_and_never_reach_past_an_edge() {
        for n in [1, 2, 7, 24, 30, 49, 90] {
            for width in [230.0, 300.0, 540.0, 900.0] {
                let labels = days(n);
                let picked = thin(&labels, width);
                assert_eq!(picked.last(), Some(&(n - 1, Anchor::End)), "{n} at {width}");
                let b = boxes(&labels, width);
                assert!(b.iter().all(|&(l, r)| l >= 0.0 && r <= width), "{n} at {width}: {b:?}");
                assert!(b.windows(2).all(|w| w[0].1 + GAP_PX <= w[1].0), "{n} at {width}: {b:?}");
                let step: Vec<usize> = picked.windows(2).map(|w| w[1].0 - w[0].0).collect();
                assert!(step.windows(2).all(|s| s[0] == s[1]), "evenly: {picked:?}");
            }
        }
    }

    #[test]
    fn thinning_is_as_dense_as_fits() {
        // 30 days, "11-05" about 37 px: on a phone every fifth or sixth…
        let month = days(30);
        let phone: Vec<usize> = thin(&month, 230.0).into_iter().map(|(i, _)| i).collect();
        assert!(phone.len() >= 4, "{phone:?}");
        // …every label when there is room for all of them.
        assert_eq!(thin(&month, 2000.0).len(), 30);
        assert_eq!(thin(&days(3), 230.0).len(), 3);
        // A label wider than the plot is not written at all.
        assert_eq!(thin(&["2026年11月20日 星期五".to_owned()], 100.0), []);
        // Wider text, fewer labels.
        let hours: Vec<String> = (0..48).map(|h| format!("11-20 {:02}:00", h % 24)).collect();
        assert!(thin(&hours, 230.0).len() < thin(&days(48), 230.0).len());
    }

    #[test]
    fn chinese_is_measured_wider_than_digits() {
        assert!(text_px("十一月") > text_px("11-0"));
        assert_eq!(text_px(""), 0.0);
    }
}
