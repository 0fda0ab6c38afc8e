role motd {
  plain      = "hello"
  empty      = ""
  escapes    = "tab\there\nnew line \"quoted\" back\\slash \$ dollar"
  unicode    = "caf\u{e9} \u{1F600} ünïcödé ✓"
  interp     = "web-${i}.example.org"
  two        = "${a}${b}"
  dotted     = "host ${host.name} at ${host.address}"
  not_interp = "price: $5, {braces} and $ alone"
  jinja      = "{{ not_a_template }} {% raw %}"
  hash       = "# not a comment"
}
