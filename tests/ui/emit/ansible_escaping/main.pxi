# Text that YAML or Jinja would read as syntax stays literal in the Ansible files:
# quotes, colons, `#`, a leading `*`, `&` or `!`, words YAML 1.1 reads as booleans,
# `{{ … }}` and `{% … %}`, line breaks and characters outside ASCII.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address  = 10.0.0.2
  packages = ["yes", "*star", "&anchor"]
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local { type = dir, path = "/var/lib/vz", content = [images, import] }
}

template debian {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local
}

role quirky {
  description = "Says \"{{ hello }}\" and {% raw %}: # not a comment"
  packages    = ["no", "1e3"]
  services    = ["on"]
  file "/etc/quirky/{{ name }}.conf" {
    content = "greeting: {{ ansible_hostname }}\n# keep: {% if x %}y{% endif %}\nünïcödé ☕\n"
    mode    = "0600"
    owner   = "root"
  }
  file "/etc/quirky/reload.conf" {
    content = "x\n"
    restart = ["quirky@tty1"]   # a handler of its own (a unit name cannot hold Jinja: PXI0386)
  }
  file "/etc/quirky/quiet.conf" {
    content = "y\n"
    restart = []                # restarts nothing
  }
  # A Makefile's tab, and Jinja that does not balance: ansible-lint's no-tabs and
  # jinja[invalid] must not find them in the generated tasks.
  file "/srv/quirky/Makefile" {
    content = "all:\n\techo {{ done\n\t{% if\n"
    restart = []
  }
  vars {
    motto   = "!important & *bold* {{ not_a_var }}"
    enabled = true
    limit   = 1000
  }
}

vm web-01 {
  host     = pve1
  template = debian
  network lan { ip = 10.0.0.21 }
  roles    = [quirky]
  user admin { ssh_keys = ["ssh-ed25519 AAAA {{ comment }}: #1"], shell = "/bin/bash", sudo = true }
}
