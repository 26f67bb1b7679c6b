module github.com/articlebot/articlebot

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/kljensen/snowball v0.10.0
	github.com/philippgille/chromem-go v0.7.0
)

require go.yaml.in/yaml/v3 v3.0.6
