//! Staff accounts: merchant staff and the platform's supervisors.

crate::slug_enum! {
    pub enum Role {
        Merchant => "merchant",
        Supervisor => "supervisor",
    }
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// Why a new password is refused, in words for the command line.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        Err("the password must have at least 10 characters")
    } else if n > PASSWORD_MAX {
        Err("the password must have at most 256 characters")
    } else if password.trim() != password {
        Err("the password must not start or end with white space")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password("short").is_err());
        assert!(check_password(" padded password ").is_err());
        assert!(check_password(&"x".repeat(257)).is_err());
    }
}
