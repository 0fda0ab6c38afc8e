# std.profiles: common guest sizes, to inherit from.
#
# `use std.profiles`, then `vm web-01 : profiles.small { … }`. A guest's own attributes
# win over the profile's, so `vm db-01 : profiles.medium { disk = 100GiB }` keeps 4 cores
# and 8 GiB of memory with a larger disk.

# 2 cores, 2 GiB, 20 GiB: small services, build agents, DNS, a reverse proxy.
profile small { cores = 2, memory = 2GiB, disk = 20GiB }

# 4 cores, 8 GiB, 40 GiB: application servers, small databases.
profile medium { cores = 4, memory = 8GiB, disk = 40GiB }

# 8 cores, 16 GiB, 80 GiB: databases, CI runners, container hosts.
profile large { cores = 8, memory = 16GiB, disk = 80GiB }

# 16 cores, 32 GiB, 160 GiB: the heavy ones.
profile xlarge { cores = 16, memory = 32GiB, disk = 160GiB }
