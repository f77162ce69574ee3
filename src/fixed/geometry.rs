//! The affine transforms every fixed-layout format places its text and paths with.

/// A 2-D affine matrix `[a b c d e f]` in the row-vector convention that PDF and OFD both
/// write (`CTM`, `cm`, `Tm`): a point goes to (a x + c y + e, b x + d y + f).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix(pub [f64; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    pub fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self` first, then `other`.
    pub fn then(&self, other: &Matrix) -> Matrix {
        let [a1, b1, c1, d1, e1, f1] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a1 * a2 + b1 * c2,
            a1 * b2 + b1 * d2,
            c1 * a2 + d1 * c2,
            c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2,
            e1 * b2 + f1 * d2 + f2,
        ])
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// A vector (no translation).
    pub fn apply_vec(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn then_applies_the_first_matrix_first() {
        let scale = Matrix([2.0, 0.0, 0.0, 3.0, 0.0, 0.0]);
        let moved = scale.then(&Matrix::translate(10.0, 20.0));
        assert_eq!(moved.apply(1.0, 1.0), (12.0, 23.0));
        let scaled = Matrix::translate(10.0, 20.0).then(&scale);
        assert_eq!(scaled.apply(1.0, 1.0), (22.0, 63.0));
        assert_eq!(moved.apply_vec(1.0, 1.0), (2.0, 3.0));
        assert_eq!(Matrix::IDENTITY.then(&moved), moved);
    }
}
