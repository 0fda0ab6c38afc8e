# The cluster's time zone goes to the installers and guests as written: it must be
# an IANA name.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  timezone = "CET +1"
}
