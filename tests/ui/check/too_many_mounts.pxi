# A container with 257 mount points: Proxmox numbers them mp0 to mp255 (PXI0507).
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl, images] }
  storage backups   { type = dir, path = "/mnt/backups", content = [backup] }
}

container files-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  mount m000 { path = "/srv/0", size = 1GiB }
  mount m001 { path = "/srv/1", size = 1GiB }
  mount m002 { path = "/srv/2", size = 1GiB }
  mount m003 { path = "/srv/3", size = 1GiB }
  mount m004 { path = "/srv/4", size = 1GiB }
  mount m005 { path = "/srv/5", size = 1GiB }
  mount m006 { path = "/srv/6", size = 1GiB }
  mount m007 { path = "/srv/7", size = 1GiB }
  mount m008 { path = "/srv/8", size = 1GiB }
  mount m009 { path = "/srv/9", size = 1GiB }
  mount m010 { path = "/srv/10", size = 1GiB }
  mount m011 { path = "/srv/11", size = 1GiB }
  mount m012 { path = "/srv/12", size = 1GiB }
  mount m013 { path = "/srv/13", size = 1GiB }
  mount m014 { path = "/srv/14", size = 1GiB }
  mount m015 { path = "/srv/15", size = 1GiB }
  mount m016 { path = "/srv/16", size = 1GiB }
  mount m017 { path = "/srv/17", size = 1GiB }
  mount m018 { path = "/srv/18", size = 1GiB }
  mount m019 { path = "/srv/19", size = 1GiB }
  mount m020 { path = "/srv/20", size = 1GiB }
  mount m021 { path = "/srv/21", size = 1GiB }
  mount m022 { path = "/srv/22", size = 1GiB }
  mount m023 { path = "/srv/23", size = 1GiB }
  mount m024 { path = "/srv/24", size = 1GiB }
  mount m025 { path = "/srv/25", size = 1GiB }
  mount m026 { path = "/srv/26", size = 1GiB }
  mount m027 { path = "/srv/27", size = 1GiB }
  mount m028 { path = "/srv/28", size = 1GiB }
  mount m029 { path = "/srv/29", size = 1GiB }
  mount m030 { path = "/srv/30", size = 1GiB }
  mount m031 { path = "/srv/31", size = 1GiB }
  mount m032 { path = "/srv/32", size = 1GiB }
  mount m033 { path = "/srv/33", size = 1GiB }
  mount m034 { path = "/srv/34", size = 1GiB }
  mount m035 { path = "/srv/35", size = 1GiB }
  mount m036 { path = "/srv/36", size = 1GiB }
  mount m037 { path = "/srv/37", size = 1GiB }
  mount m038 { path = "/srv/38", size = 1GiB }
  mount m039 { path = "/srv/39", size = 1GiB }
  mount m040 { path = "/srv/40", size = 1GiB }
  mount m041 { path = "/srv/41", size = 1GiB }
  mount m042 { path = "/srv/42", size = 1GiB }
  mount m043 { path = "/srv/43", size = 1GiB }
  mount m044 { path = "/srv/44", size = 1GiB }
  mount m045 { path = "/srv/45", size = 1GiB }
  mount m046 { path = "/srv/46", size = 1GiB }
  mount m047 { path = "/srv/47", size = 1GiB }
  mount m048 { path = "/srv/48", size = 1GiB }
  mount m049 { path = "/srv/49", size = 1GiB }
  mount m050 { path = "/srv/50", size = 1GiB }
  mount m051 { path = "/srv/51", size = 1GiB }
  mount m052 { path = "/srv/52", size = 1GiB }
  mount m053 { path = "/srv/53", size = 1GiB }
  mount m054 { path = "/srv/54", size = 1GiB }
  mount m055 { path = "/srv/55", size = 1GiB }
  mount m056 { path = "/srv/56", size = 1GiB }
  mount m057 { path = "/srv/57", size = 1GiB }
  mount m058 { path = "/srv/58", size = 1GiB }
  mount m059 { path = "/srv/59", size = 1GiB }
  mount m060 { path = "/srv/60", size = 1GiB }
  mount m061 { path = "/srv/61", size = 1GiB }
  mount m062 { path = "/srv/62", size = 1GiB }
  mount m063 { path = "/srv/63", size = 1GiB }
  mount m064 { path = "/srv/64", size = 1GiB }
  mount m065 { path = "/srv/65", size = 1GiB }
  mount m066 { path = "/srv/66", size = 1GiB }
  mount m067 { path = "/srv/67", size = 1GiB }
  mount m068 { path = "/srv/68", size = 1GiB }
  mount m069 { path = "/srv/69", size = 1GiB }
  mount m070 { path = "/srv/70", size = 1GiB }
  mount m071 { path = "/srv/71", size = 1GiB }
  mount m072 { path = "/srv/72", size = 1GiB }
  mount m073 { path = "/srv/73", size = 1GiB }
  mount m074 { path = "/srv/74", size = 1GiB }
  mount m075 { path = "/srv/75", size = 1GiB }
  mount m076 { path = "/srv/76", size = 1GiB }
  mount m077 { path = "/srv/77", size = 1GiB }
  mount m078 { path = "/srv/78", size = 1GiB }
  mount m079 { path = "/srv/79", size = 1GiB }
  mount m080 { path = "/srv/80", size = 1GiB }
  mount m081 { path = "/srv/81", size = 1GiB }
  mount m082 { path = "/srv/82", size = 1GiB }
  mount m083 { path = "/srv/83", size = 1GiB }
  mount m084 { path = "/srv/84", size = 1GiB }
  mount m085 { path = "/srv/85", size = 1GiB }
  mount m086 { path = "/srv/86", size = 1GiB }
  mount m087 { path = "/srv/87", size = 1GiB }
  mount m088 { path = "/srv/88", size = 1GiB }
  mount m089 { path = "/srv/89", size = 1GiB }
  mount m090 { path = "/srv/90", size = 1GiB }
  mount m091 { path = "/srv/91", size = 1GiB }
  mount m092 { path = "/srv/92", size = 1GiB }
  mount m093 { path = "/srv/93", size = 1GiB }
  mount m094 { path = "/srv/94", size = 1GiB }
  mount m095 { path = "/srv/95", size = 1GiB }
  mount m096 { path = "/srv/96", size = 1GiB }
  mount m097 { path = "/srv/97", size = 1GiB }
  mount m098 { path = "/srv/98", size = 1GiB }
  mount m099 { path = "/srv/99", size = 1GiB }
  mount m100 { path = "/srv/100", size = 1GiB }
  mount m101 { path = "/srv/101", size = 1GiB }
  mount m102 { path = "/srv/102", size = 1GiB }
  mount m103 { path = "/srv/103", size = 1GiB }
  mount m104 { path = "/srv/104", size = 1GiB }
  mount m105 { path = "/srv/105", size = 1GiB }
  mount m106 { path = "/srv/106", size = 1GiB }
  mount m107 { path = "/srv/107", size = 1GiB }
  mount m108 { path = "/srv/108", size = 1GiB }
  mount m109 { path = "/srv/109", size = 1GiB }
  mount m110 { path = "/srv/110", size = 1GiB }
  mount m111 { path = "/srv/111", size = 1GiB }
  mount m112 { path = "/srv/112", size = 1GiB }
  mount m113 { path = "/srv/113", size = 1GiB }
  mount m114 { path = "/srv/114", size = 1GiB }
  mount m115 { path = "/srv/115", size = 1GiB }
  mount m116 { path = "/srv/116", size = 1GiB }
  mount m117 { path = "/srv/117", size = 1GiB }
  mount m118 { path = "/srv/118", size = 1GiB }
  mount m119 { path = "/srv/119", size = 1GiB }
  mount m120 { path = "/srv/120", size = 1GiB }
  mount m121 { path = "/srv/121", size = 1GiB }
  mount m122 { path = "/srv/122", size = 1GiB }
  mount m123 { path = "/srv/123", size = 1GiB }
  mount m124 { path = "/srv/124", size = 1GiB }
  mount m125 { path = "/srv/125", size = 1GiB }
  mount m126 { path = "/srv/126", size = 1GiB }
  mount m127 { path = "/srv/127", size = 1GiB }
  mount m128 { path = "/srv/128", size = 1GiB }
  mount m129 { path = "/srv/129", size = 1GiB }
  mount m130 { path = "/srv/130", size = 1GiB }
  mount m131 { path = "/srv/131", size = 1GiB }
  mount m132 { path = "/srv/132", size = 1GiB }
  mount m133 { path = "/srv/133", size = 1GiB }
  mount m134 { path = "/srv/134", size = 1GiB }
  mount m135 { path = "/srv/135", size = 1GiB }
  mount m136 { path = "/srv/136", size = 1GiB }
  mount m137 { path = "/srv/137", size = 1GiB }
  mount m138 { path = "/srv/138", size = 1GiB }
  mount m139 { path = "/srv/139", size = 1GiB }
  mount m140 { path = "/srv/140", size = 1GiB }
  mount m141 { path = "/srv/141", size = 1GiB }
  mount m142 { path = "/srv/142", size = 1GiB }
  mount m143 { path = "/srv/143", size = 1GiB }
  mount m144 { path = "/srv/144", size = 1GiB }
  mount m145 { path = "/srv/145", size = 1GiB }
  mount m146 { path = "/srv/146", size = 1GiB }
  mount m147 { path = "/srv/147", size = 1GiB }
  mount m148 { path = "/srv/148", size = 1GiB }
  mount m149 { path = "/srv/149", size = 1GiB }
  mount m150 { path = "/srv/150", size = 1GiB }
  mount m151 { path = "/srv/151", size = 1GiB }
  mount m152 { path = "/srv/152", size = 1GiB }
  mount m153 { path = "/srv/153", size = 1GiB }
  mount m154 { path = "/srv/154", size = 1GiB }
  mount m155 { path = "/srv/155", size = 1GiB }
  mount m156 { path = "/srv/156", size = 1GiB }
  mount m157 { path = "/srv/157", size = 1GiB }
  mount m158 { path = "/srv/158", size = 1GiB }
  mount m159 { path = "/srv/159", size = 1GiB }
  mount m160 { path = "/srv/160", size = 1GiB }
  mount m161 { path = "/srv/161", size = 1GiB }
  mount m162 { path = "/srv/162", size = 1GiB }
  mount m163 { path = "/srv/163", size = 1GiB }
  mount m164 { path = "/srv/164", size = 1GiB }
  mount m165 { path = "/srv/165", size = 1GiB }
  mount m166 { path = "/srv/166", size = 1GiB }
  mount m167 { path = "/srv/167", size = 1GiB }
  mount m168 { path = "/srv/168", size = 1GiB }
  mount m169 { path = "/srv/169", size = 1GiB }
  mount m170 { path = "/srv/170", size = 1GiB }
  mount m171 { path = "/srv/171", size = 1GiB }
  mount m172 { path = "/srv/172", size = 1GiB }
  mount m173 { path = "/srv/173", size = 1GiB }
  mount m174 { path = "/srv/174", size = 1GiB }
  mount m175 { path = "/srv/175", size = 1GiB }
  mount m176 { path = "/srv/176", size = 1GiB }
  mount m177 { path = "/srv/177", size = 1GiB }
  mount m178 { path = "/srv/178", size = 1GiB }
  mount m179 { path = "/srv/179", size = 1GiB }
  mount m180 { path = "/srv/180", size = 1GiB }
  mount m181 { path = "/srv/181", size = 1GiB }
  mount m182 { path = "/srv/182", size = 1GiB }
  mount m183 { path = "/srv/183", size = 1GiB }
  mount m184 { path = "/srv/184", size = 1GiB }
  mount m185 { path = "/srv/185", size = 1GiB }
  mount m186 { path = "/srv/186", size = 1GiB }
  mount m187 { path = "/srv/187", size = 1GiB }
  mount m188 { path = "/srv/188", size = 1GiB }
  mount m189 { path = "/srv/189", size = 1GiB }
  mount m190 { path = "/srv/190", size = 1GiB }
  mount m191 { path = "/srv/191", size = 1GiB }
  mount m192 { path = "/srv/192", size = 1GiB }
  mount m193 { path = "/srv/193", size = 1GiB }
  mount m194 { path = "/srv/194", size = 1GiB }
  mount m195 { path = "/srv/195", size = 1GiB }
  mount m196 { path = "/srv/196", size = 1GiB }
  mount m197 { path = "/srv/197", size = 1GiB }
  mount m198 { path = "/srv/198", size = 1GiB }
  mount m199 { path = "/srv/199", size = 1GiB }
  mount m200 { path = "/srv/200", size = 1GiB }
  mount m201 { path = "/srv/201", size = 1GiB }
  mount m202 { path = "/srv/202", size = 1GiB }
  mount m203 { path = "/srv/203", size = 1GiB }
  mount m204 { path = "/srv/204", size = 1GiB }
  mount m205 { path = "/srv/205", size = 1GiB }
  mount m206 { path = "/srv/206", size = 1GiB }
  mount m207 { path = "/srv/207", size = 1GiB }
  mount m208 { path = "/srv/208", size = 1GiB }
  mount m209 { path = "/srv/209", size = 1GiB }
  mount m210 { path = "/srv/210", size = 1GiB }
  mount m211 { path = "/srv/211", size = 1GiB }
  mount m212 { path = "/srv/212", size = 1GiB }
  mount m213 { path = "/srv/213", size = 1GiB }
  mount m214 { path = "/srv/214", size = 1GiB }
  mount m215 { path = "/srv/215", size = 1GiB }
  mount m216 { path = "/srv/216", size = 1GiB }
  mount m217 { path = "/srv/217", size = 1GiB }
  mount m218 { path = "/srv/218", size = 1GiB }
  mount m219 { path = "/srv/219", size = 1GiB }
  mount m220 { path = "/srv/220", size = 1GiB }
  mount m221 { path = "/srv/221", size = 1GiB }
  mount m222 { path = "/srv/222", size = 1GiB }
  mount m223 { path = "/srv/223", size = 1GiB }
  mount m224 { path = "/srv/224", size = 1GiB }
  mount m225 { path = "/srv/225", size = 1GiB }
  mount m226 { path = "/srv/226", size = 1GiB }
  mount m227 { path = "/srv/227", size = 1GiB }
  mount m228 { path = "/srv/228", size = 1GiB }
  mount m229 { path = "/srv/229", size = 1GiB }
  mount m230 { path = "/srv/230", size = 1GiB }
  mount m231 { path = "/srv/231", size = 1GiB }
  mount m232 { path = "/srv/232", size = 1GiB }
  mount m233 { path = "/srv/233", size = 1GiB }
  mount m234 { path = "/srv/234", size = 1GiB }
  mount m235 { path = "/srv/235", size = 1GiB }
  mount m236 { path = "/srv/236", size = 1GiB }
  mount m237 { path = "/srv/237", size = 1GiB }
  mount m238 { path = "/srv/238", size = 1GiB }
  mount m239 { path = "/srv/239", size = 1GiB }
  mount m240 { path = "/srv/240", size = 1GiB }
  mount m241 { path = "/srv/241", size = 1GiB }
  mount m242 { path = "/srv/242", size = 1GiB }
  mount m243 { path = "/srv/243", size = 1GiB }
  mount m244 { path = "/srv/244", size = 1GiB }
  mount m245 { path = "/srv/245", size = 1GiB }
  mount m246 { path = "/srv/246", size = 1GiB }
  mount m247 { path = "/srv/247", size = 1GiB }
  mount m248 { path = "/srv/248", size = 1GiB }
  mount m249 { path = "/srv/249", size = 1GiB }
  mount m250 { path = "/srv/250", size = 1GiB }
  mount m251 { path = "/srv/251", size = 1GiB }
  mount m252 { path = "/srv/252", size = 1GiB }
  mount m253 { path = "/srv/253", size = 1GiB }
  mount m254 { path = "/srv/254", size = 1GiB }
  mount m255 { path = "/srv/255", size = 1GiB }
  mount m256 { path = "/srv/256", size = 1GiB }
}
