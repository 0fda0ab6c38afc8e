# NICs that pxic gives no static address: `ip = dhcp` and `ip = none`. Ansible
# reaches each guest at its first static address; the DHCP NIC before it takes the
# default route; a VM's unaddressed NIC between two others has an empty `ip_config`
# and none after the last; a container's is `manual`. A router holding the
# network's gateway gets no gateway of its own. A written MAC, in capitals. A NIC's
# own model, queues, rate and MTU. IPv6 beside IPv4: SLAAC (Proxmox's `auto`) on a
# NIC without IPv4, DHCPv6, and a static address (in its canonical spelling) with
# the network's gateway6.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  bootstrap_dns = [192.168.1.254]
  pool    = 10.0.0.100 .. 10.0.0.199
  cidr6    = "2001:db8:10::/64"
  gateway6 = "fe80::1"
}

network wan {
  cidr = 192.168.1.0/24
}

network trunk {
  cidr = 10.99.0.0/24
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["eno2"], network = wan }
  bridge vmbr2 { ports = ["eno3"], network = trunk, vlan_aware = true }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm router {
  host     = pve1
  template = ubuntu-2404
  network wan   { ip = dhcp, mac = "02:ab:cd:00:00:01" }   # the ISP's box knows it
  network lan   { ip = 10.0.0.3 }
  network trunk { ip = none, queues = 4, mtu = 1400 }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

vm sensor {
  host     = pve1
  template = ubuntu-2404
  network trunk { ip = none, ip6 = slaac }
  network lan   { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

vm gateway {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = 10.0.0.1, is_gateway = true }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

# IPv6 only: Ansible connects to its static IPv6 address.
vm v6only {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = none, ip6 = "2001:db8:10::7" }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

# No user with a key: Ansible leaves it alone, and it needs no static address.
vm appliance {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = dhcp, model = e1000e, rate = 25 }
}

container probe {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan   { ip = auto, ip6 = "2001:DB8:10::0100" }
  network trunk { ip = none }
  network wan   { ip = dhcp, rate = 125, ip6 = dhcp }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"] }
}
