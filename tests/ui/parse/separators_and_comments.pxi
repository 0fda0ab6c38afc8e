# A file comment.
vm a { cores = 1, memory = 1GiB, }   # trailing comma, then a comment

vm b {
  # a comment inside a body
  cores = 1 # after a value
  tags  = [
    "x", # between list items
    "y"
  ]
  memory = 1GiB disk = 8GiB
}
# A comment at the end of the file.
