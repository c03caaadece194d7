extension String {
    /// True when the text has something besides white space: a reference or reason made of blanks says nothing.
    var hasContent: Bool { contains { !$0.isWhitespace } }
}
