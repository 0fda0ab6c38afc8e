vm web-01 : small
vm web-02 : small {
  cores = 2
}
