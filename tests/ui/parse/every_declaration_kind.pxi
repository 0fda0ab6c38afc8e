use std.os
use std.roles

cluster homelab { endpoint = "https://10.10.0.2:8006/" }
network lan { cidr = 10.10.0.0/24 }
host pve1 { address = 10.10.0.2 }
template ubuntu-2404 { image = os.ubuntu_2404 }
profile small { cores = 2 }
role web { packages = ["nginx"] }
vm web-01 { host = pve1 }
container dns-01 { host = pve1 }
pool prod { comment = "Production" }
