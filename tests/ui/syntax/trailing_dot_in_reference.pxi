vm web-01 {
  roles = [roles.]
}
