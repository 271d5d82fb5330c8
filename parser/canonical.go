package parser

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// CanonicalYAML encodes a YAML node without its comments and layout (flow
// or block style, quoting, indentation), so that two files that differ only
// in those encode to the same bytes: the model hash, and with it the
// decision to rebuild, ignores a change to comments or formatting. Equation
// strings are values and are kept as written. The node is not modified.
func CanonicalYAML(n *yaml.Node) []byte {
	b, err := yaml.Marshal(stripLayout(n))
	if err != nil {
		return nil
	}
	return b
}

func stripLayout(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Style = 0
	c.Line, c.Column = 0, 0
	if n.Alias != nil {
		c.Alias = stripLayout(n.Alias)
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = stripLayout(k)
	}
	return &c
}

// objectHashes hashes each top-level setting and each named model object of
// the document root (Model.ObjectHashes).
func objectHashes(root *yaml.Node) map[string]string {
	out := map[string]string{}
	if root == nil || root.Kind != yaml.MappingNode {
		return out
	}
	hash := func(n *yaml.Node) string {
		sum := sha256.Sum256(CanonicalYAML(n))
		return hex.EncodeToString(sum[:8])
	}
	top := root.Content
	for i := 0; i+1 < len(top); i += 2 {
		key, val := top[i].Value, top[i+1]
		singular := strings.TrimSuffix(key, "s")
		switch {
		case val.Kind == yaml.MappingNode && (key == "neurons" || key == "synapses"):
			for j := 0; j+1 < len(val.Content); j += 2 {
				out[singular+" "+val.Content[j].Value] = hash(val.Content[j+1])
			}
		case val.Kind == yaml.SequenceNode && (key == "populations" || key == "projections" || key == "monitors"):
			for j, item := range val.Content {
				name := fmt.Sprintf("#%d", j)
				if item.Kind == yaml.MappingNode {
					for k := 0; k+1 < len(item.Content); k += 2 {
						if item.Content[k].Value == "name" {
							name = item.Content[k+1].Value
						}
					}
				}
				out[singular+" "+name] = hash(item)
			}
		default:
			out[key] = hash(val)
		}
	}
	return out
}
