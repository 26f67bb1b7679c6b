package bot

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Model is the calibrated answering model: a logistic regression over the
// features of a candidate sentence giving the probability that it answers
// the question, and the thresholds that turn probabilities into decisions.
// It is fit on the calibration half of the development set by
// `articlebot eval -fit` (see Fit) and embedded from model.json.
type Model struct {
	// Features names the inputs, in order; Weights are their coefficients.
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	// Cutoffs turn the offline drafter's probabilities into decisions.
	Cutoffs
	// Gate is the retrieval scores below which LLM mode refuses a
	// question without asking the model.
	Gate OffTopicGate `json:"gate"`
	// Support is the least share of a model's sentence (its words, weighted
	// by rarity) that the passages it cites must hold.
	Support float64 `json:"support"`
	// Fit says what the model was fit on, for the record.
	Fit string `json:"fit,omitempty"`
}

// Cutoffs are the thresholds the offline drafter decides by.
type Cutoffs struct {
	// Answer is the least probability of the best sentence for the
	// offline drafter to answer; below it the question is refused.
	Answer float64 `json:"answer"`
	// Follow is the least probability of a further sentence to join an
	// answer.
	Follow float64 `json:"follow"`
	// Margin is the least lead the best sentence's probability must have
	// over that of the next other sentence for the drafter to answer: a
	// question that no sentence answers is often met by several alike,
	// none standing out.
	Margin float64 `json:"margin"`
}

//go:embed model.json
var modelJSON []byte

// DefaultModel is the embedded, calibrated model.
var DefaultModel = func() *Model {
	m, err := ParseModel(modelJSON)
	if err != nil {
		panic("bot: embedded model.json: " + err.Error())
	}
	return m
}()

// ParseModel reads a model written by Fit, checking that it has a weight
// for every feature this build computes.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("couldn't parse the answering model: %w", err)
	}
	if len(m.Features) != nFeatures || len(m.Weights) != nFeatures {
		return nil, fmt.Errorf("the answering model has %d features and %d weights, want %d", len(m.Features), len(m.Weights), nFeatures)
	}
	for i, name := range m.Features {
		if name != featureNames[i] {
			return nil, fmt.Errorf("the answering model's feature %d is %q, want %q", i, name, featureNames[i])
		}
		if math.IsNaN(m.Weights[i]) || math.IsInf(m.Weights[i], 0) {
			return nil, fmt.Errorf("the answering model's weight for %s is %v", name, m.Weights[i])
		}
	}
	for _, p := range []float64{m.Answer, m.Follow, m.Margin, m.Gate.Coverage, m.Gate.Lead, m.Support} {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("the answering model has a threshold outside 0 to 1: %v", p)
		}
	}
	return &m, nil
}

// Marshal writes the model as model.json holds it.
func (m *Model) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// prob is the model's probability that a sentence with features f answers.
func (m *Model) prob(f features) float64 {
	z := 0.0
	for i, w := range m.Weights {
		z += w * f[i]
	}
	return sigmoid(z)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// explain lists a sentence's features with their weights and products,
// the largest contributions first: why the model scored it as it did.
func (m *Model) explain(f features) string {
	type term struct {
		name     string
		x, w, wx float64
	}
	var ts []term
	z := 0.0
	for i, w := range m.Weights {
		z += w * f[i]
		if f[i] != 0 {
			ts = append(ts, term{featureNames[i], f[i], w, w * f[i]})
		}
	}
	sort.SliceStable(ts, func(i, j int) bool { return math.Abs(ts[i].wx) > math.Abs(ts[j].wx) })
	var b strings.Builder
	fmt.Fprintf(&b, "p=%.3f (answer at %.3f) z=%.2f:", sigmoid(z), m.Answer, z)
	for _, t := range ts {
		fmt.Fprintf(&b, " %s %.2f×%.2f=%+.2f;", t.name, t.x, t.w, t.wx)
	}
	return strings.TrimSuffix(b.String(), ";")
}
