vm web-01 {
  cores = 2
  network lan {
    ip = auto

vm web-02 {
  cores = 2
}
