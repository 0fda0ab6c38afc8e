vm web-01 {
  cores = 2
}}
vm web-02 {
  cores = 2
}
