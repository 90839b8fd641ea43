"""Industry analytics: complexity and relatedness, specialisation, shift-share, input-output."""
