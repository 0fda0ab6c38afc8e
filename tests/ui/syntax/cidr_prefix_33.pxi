network lan {
  cidr = 10.10.0.0/33
}
