package runtime

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ValueOf converts what a generated network's Set receives into a Value: a
// Value, a Dist, a number of any Go numeric type or a bool, a []float64 or
// []int (one value per element), or text as ParseValue reads it ("20",
// "[1, 2]", "Uniform(-60, -50)").
func ValueOf(x any) (Value, error) {
	switch v := x.(type) {
	case Value:
		return v, nil
	case *Value:
		return *v, nil
	case Dist:
		return FromDist(v), nil
	case string:
		return ParseValue(v)
	case float64:
		return Num(v), nil
	case float32:
		return Num(float64(v)), nil
	case int:
		return Num(float64(v)), nil
	case int32:
		return Num(float64(v)), nil
	case int64:
		return Num(float64(v)), nil
	case bool:
		if v {
			return Num(1), nil
		}
		return Num(0), nil
	case []float64:
		return List(append([]float64(nil), v...)), nil
	case []float32:
		out := make([]float64, len(v))
		for i, y := range v {
			out[i] = float64(y)
		}
		return List(out), nil
	case []int:
		out := make([]float64, len(v))
		for i, y := range v {
			out[i] = float64(y)
		}
		return List(out), nil
	case [][]float64:
		var out []float64
		for _, row := range v {
			out = append(out, row...)
		}
		return List(out), nil
	}
	return Value{}, fmt.Errorf("cannot use %T as a value (want a number, a list, a distribution or text)", x)
}

// RowsOf converts what Set receives for a two-dimensional input (spike
// times per neuron, rows of a timed array) into rows: a [][]float64, a
// [][]float32, or text holding nested lists ("[[10, 20], [15]]", numbers
// as in JSON, one inner list per row). Rows are copied.
func RowsOf(x any) ([][]float64, error) {
	switch v := x.(type) {
	case [][]float64:
		out := make([][]float64, len(v))
		for i, row := range v {
			out[i] = append([]float64{}, row...)
		}
		return out, nil
	case [][]float32:
		out := make([][]float64, len(v))
		for i, row := range v {
			out[i] = make([]float64, len(row))
			for k, y := range row {
				out[i][k] = float64(y)
			}
		}
		return out, nil
	case string:
		var out [][]float64
		if err := json.Unmarshal([]byte(strings.TrimSpace(v)), &out); err != nil {
			return nil, fmt.Errorf("want nested lists such as [[10, 20], [15]]: %v", err)
		}
		for i := range out {
			if out[i] == nil {
				out[i] = []float64{}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot use %T as rows (want [][]float64 or text such as [[10, 20], [15]])", x)
}
