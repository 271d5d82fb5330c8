package parser

import "gopkg.in/yaml.v3"

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
