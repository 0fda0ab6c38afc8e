# A bridge carrying two networks without a VLAN, and one network twice (PXI0549).
# A tagged network beside an untagged one is fine.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network wan {
  cidr = 192.168.1.0/24
}

network iot {
  cidr = 10.20.0.0/24
  vlan = 20
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan, networks = [iot, wan], ports = ["eno1"] }
  bridge vmbr1 { networks = [iot, iot], ports = ["eno2"] }
}
