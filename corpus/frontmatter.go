package corpus

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrFrontMatter marks front matter that can't be read.
var ErrFrontMatter = errors.New("bad front matter")

// frontMatter is what articlebot reads from a file's YAML front matter.
type frontMatter struct {
	Title, URL, Published string
	// Ignored lists the keys articlebot has no use for, such as a static
	// site's author, tags or draft, in order of appearance.
	Ignored []string
}

// hasFrontMatter reports whether text opens with a "---" line.
func hasFrontMatter(text string) bool {
	line, _, found := strings.Cut(text, "\n")
	return found && strings.TrimRight(line, " \t\r") == "---"
}

// splitFrontMatter separates YAML front matter between "---" lines (the
// closing one may also be "...", as YAML allows) from the body. Text
// without an opening "---" line is all body.
func splitFrontMatter(text string) (body string, fm frontMatter, err error) {
	if !hasFrontMatter(text) {
		return text, fm, nil
	}
	rest := text[strings.IndexByte(text, '\n')+1:]
	for pos := 0; pos < len(rest); {
		end := strings.IndexByte(rest[pos:], '\n')
		next := pos + end + 1
		if end < 0 {
			end, next = len(rest)-pos, len(rest)
		}
		if line := strings.TrimRight(rest[pos:pos+end], " \t\r"); line == "---" || line == "..." {
			fm, err = parseFrontMatter(rest[:pos])
			return rest[next:], fm, err
		}
		pos = next
	}
	return "", fm, fmt.Errorf(`%w: no closing "---" line`, ErrFrontMatter)
}

// aliasKeys are other names static-site generators use for a field.
var aliasKeys = map[string]string{"date": "published"}

func parseFrontMatter(src string) (frontMatter, error) {
	var fm frontMatter
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return fm, fmt.Errorf("%w: %v", ErrFrontMatter, err)
	}
	if doc.Kind == 0 {
		return fm, nil // empty front matter
	}
	m := &doc
	if m.Kind == yaml.DocumentNode && len(m.Content) == 1 {
		m = m.Content[0]
	}
	if m.Kind != yaml.MappingNode {
		return fm, fmt.Errorf("%w: want \"key: value\" lines", ErrFrontMatter)
	}
	fields := map[string]*string{"title": &fm.Title, "url": &fm.URL, "published": &fm.Published}
	var aliased map[string]string
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := strings.ToLower(strings.TrimSpace(m.Content[i].Value)), m.Content[i+1]
		name := key
		if canonical, ok := aliasKeys[key]; ok {
			name = canonical
		}
		dst, known := fields[name]
		if !known {
			fm.Ignored = append(fm.Ignored, key)
			continue
		}
		if val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		if val.Kind != yaml.ScalarNode {
			return fm, fmt.Errorf("%w: %s must be text", ErrFrontMatter, key)
		}
		if val.Tag == "!!null" {
			continue
		}
		// The canonical key wins over an alias, whichever comes first.
		if name != key {
			if aliased == nil {
				aliased = map[string]string{}
			}
			aliased[name] = val.Value
			continue
		}
		*dst = StripControl(strings.TrimSpace(val.Value))
	}
	for name, v := range aliased {
		if dst := fields[name]; *dst == "" {
			*dst = StripControl(strings.TrimSpace(v))
		}
	}
	return fm, nil
}
