role web {
  motd = "C:\Users\bob"
}
