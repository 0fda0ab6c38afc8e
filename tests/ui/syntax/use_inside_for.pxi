for i in 1..=2 {
  use std.os
}
