# Text that HCL, Go templates or the shell would read as syntax reaches Packer's build
# VM as written; a build on a VLAN-tagged network with MTU, on a file storage (qcow2),
# over a self-signed endpoint; roles run through Packer's ansible provisioner.
use std.os
use std.roles

cluster lab {
  endpoint = "https://pve.example.org:8006"
  insecure = true
  token    = env("LAB_TOKEN")
  vmids    = 300 .. 399
}

network builds {
  cidr    = 192.168.50.0/24
  gateway = 192.168.50.1
  dns     = [192.168.50.1, 1.1.1.1]
  vlan    = 50
  mtu     = 1450
  pool    = 192.168.50.200 .. 192.168.50.209
}

host pve1 {
  address = 192.168.50.2
  bridge vmbr0 { ports = ["eno1"], network = builds, vlan_aware = true }
  storage store { type = dir, path = "/srv/pve", content = [images, import, iso] }
}

role quoted {
  packages = ["jq"]
  file "/etc/quoted.conf" {
    content = "{{ kept }} \${kept}\n"
    restart = []
  }
}

template tricky {
  host    = pve1
  vmid    = 9300
  image   = os.ubuntu_2404
  storage = store
  disk    = 12GiB
  cores   = 1
  memory  = 1GiB
  build {
    packages = ["it's", "$(id);a|b", "{{.Path}}"]
    scripts  = [
      "echo \"\${HOME}\" '%{x}' {{ .Vars }} > /tmp/out",
      "printf 'a\\tb\\n' | tee /tmp/tab",
    ]
    roles    = [quoted]
  }
}
