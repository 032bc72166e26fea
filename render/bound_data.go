package render

// Data is the base data b renders with (its Customer empty): what every
// recipient's message shares, such as .Org.Name for the letter around it.
// Its slices are b's; do not change them.
func (b *Bound) Data() Data { return b.base }
