// placeholder
pub fn main() -> i32 { print!("{}", crate::schema::policy_schema_text()); 0 }
