//! The NHS number: ten digits with a modulus-11 check digit (SPEC.md §6.4).
//!
//! Real example messages carry numbers that fail the check (9999345201 in the official
//! examples, 1234567895 as the CP-IS trigger), so the type can hold a ten-digit number whose
//! check digit is wrong: [`NhsNumber::parse_unchecked`] accepts it and
//! [`NhsNumber::has_valid_check_digit`] says so. [`NhsNumber::parse`] insists on the check.

use std::fmt;

/// A ten-digit NHS number. Always ten ASCII digits; the check digit may be wrong only when
/// built with [`NhsNumber::parse_unchecked`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber(String);

/// Why a string is not an NHS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    /// Not exactly ten digits after removing spaces.
    #[error("{0:?} is not a ten-digit NHS number")]
    NotTenDigits(String),
    /// Ten digits, but the modulus-11 check fails.
    #[error("{number} fails the modulus-11 check: expected check digit {expected}, found {found}")]
    CheckDigitMismatch {
        /// The number as given.
        number: String,
        /// The check digit the first nine digits call for.
        expected: char,
        /// The tenth digit given.
        found: char,
    },
    /// Ten digits whose first nine give a check value of 10, which no NHS number can have.
    #[error("{0} can never be a valid NHS number: its first nine digits give check value 10")]
    CheckValueTen(String),
}

/// The check digit the first nine digits call for, or `None` when the check value is 10
/// (weights 10 down to 2; 11 − (sum mod 11); 11 becomes 0).
pub fn check_digit(first_nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c as u8),
    }
}

impl NhsNumber {
    /// Parses a number that must pass the modulus-11 check. Spaces (3-3-4 display) are allowed.
    pub fn parse(s: &str) -> Result<NhsNumber, NhsNumberError> {
        let n = NhsNumber::parse_unchecked(s)?;
        n.validate()?;
        Ok(n)
    }

    /// Parses ten digits without the modulus-11 check, for example vectors and negative tests.
    pub fn parse_unchecked(s: &str) -> Result<NhsNumber, NhsNumberError> {
        let compact: String = s.chars().filter(|c| *c != ' ').collect();
        if compact.len() != 10 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NhsNumberError::NotTenDigits(s.to_owned()));
        }
        Ok(NhsNumber(compact))
    }

    /// Builds a valid NHS number from its first nine digits, appending the check digit.
    /// `None` when those nine digits give check value 10.
    pub fn from_first_nine(first_nine: &[u8; 9]) -> Option<NhsNumber> {
        let check = check_digit(first_nine)?;
        let mut s = String::with_capacity(10);
        for d in first_nine {
            s.push(char::from(b'0' + d % 10));
        }
        s.push(char::from(b'0' + check));
        Some(NhsNumber(s))
    }

    /// The ten digits, no spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the tenth digit is the one the modulus-11 check calls for.
    pub fn has_valid_check_digit(&self) -> bool {
        self.validate().is_ok()
    }

    /// The check result with the reason it fails.
    pub fn validate(&self) -> Result<(), NhsNumberError> {
        let b = self.0.as_bytes();
        let mut nine = [0u8; 9];
        for (slot, byte) in nine.iter_mut().zip(b) {
            *slot = byte - b'0';
        }
        let found = char::from(b[9]);
        match check_digit(&nine) {
            None => Err(NhsNumberError::CheckValueTen(self.0.clone())),
            Some(c) if b[9] - b'0' == c => Ok(()),
            Some(c) => Err(NhsNumberError::CheckDigitMismatch {
                number: self.0.clone(),
                expected: char::from(b'0' + c),
                found,
            }),
        }
    }

    /// The 3-3-4 display form required on screens (MSCA-PDS-06), e.g. `944 931 0467`.
    pub fn display_spaced(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl fmt::Display for NhsNumber {
    /// The wire form: ten digits, no spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for NhsNumber {
    type Err = NhsNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NhsNumber::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_test_range_numbers() {
        for n in ["9449310467", "9473480032", "9449310424", "9449310025"] {
            assert!(NhsNumber::parse(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn refuses_known_failing_example_numbers_but_can_carry_them() {
        for n in ["9999345201", "1234567895"] {
            assert!(matches!(
                NhsNumber::parse(n),
                Err(NhsNumberError::CheckDigitMismatch { .. } | NhsNumberError::CheckValueTen(_))
            ));
            let carried = NhsNumber::parse_unchecked(n).unwrap();
            assert!(!carried.has_valid_check_digit());
            assert_eq!(carried.as_str(), n);
        }
    }

    #[test]
    fn displays_three_three_four() {
        let n = NhsNumber::parse("944 931 0467").unwrap();
        assert_eq!(n.display_spaced(), "944 931 0467");
        assert_eq!(n.to_string(), "9449310467");
    }

    #[test]
    fn refuses_wrong_lengths_and_letters() {
        for n in ["", "944931046", "94493104670", "94493104x7"] {
            assert!(matches!(
                NhsNumber::parse_unchecked(n),
                Err(NhsNumberError::NotTenDigits(_))
            ));
        }
    }

    #[test]
    fn check_value_ten_is_never_valid() {
        // 0000000060: sum = 6*3 = 18, 18 mod 11 = 7, 11-7 = 4 -> not ten; find one that is.
        let ten = (0..1000u32)
            .map(|i| {
                let s = format!("{i:09}");
                let mut nine = [0u8; 9];
                for (k, b) in s.bytes().enumerate() {
                    nine[k] = b - b'0';
                }
                (s, nine)
            })
            .find(|(_, nine)| check_digit(nine).is_none())
            .unwrap();
        assert!(NhsNumber::from_first_nine(&ten.1).is_none());
        let as_number = NhsNumber::parse_unchecked(&format!("{}0", ten.0)).unwrap();
        assert!(matches!(
            as_number.validate(),
            Err(NhsNumberError::CheckValueTen(_))
        ));
    }
}
