# Bridges and ports are written into the host's `/etc/network/interfaces`: a name
# with a newline would add a `post-up` line that `ifreload -a` runs as root, and
# Linux takes at most 15 bytes for a name.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address = 10.0.0.2
  bridge "vmbr0\npost-up touch /tmp/pwned" { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["eno2\n\tpost-up touch /tmp/pwned", "eno3 eno4", "..", "bond0.100", "a-very-long-port-name"] }
  bridge "vmbr2:0" {}
}
