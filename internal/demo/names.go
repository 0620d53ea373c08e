package demo

// Name lists for fictional people. Any resemblance to a real person is a
// coincidence of common names.

var femaleNames = [...]string{
	"Maria", "Aaliyah", "Emily", "Sofia", "Keisha", "Hannah", "Grace", "Yesenia", "Mei", "Fatima", "Olivia", "Jasmine",
	"Priya", "Ana", "Destiny", "Rachel", "Tanisha", "Leah", "Camila", "Nora", "Brianna", "Aisha", "Julia", "Rosa",
	"Megan", "Imani", "Lauren", "Gabriela", "Chloe", "Monique", "Ava", "Daniela", "Erin", "Tiana", "Lucia", "Kayla",
}

var maleNames = [...]string{
	"James", "Darnell", "Luis", "Michael", "Andre", "Ethan", "Jamal", "Carlos", "David", "Kevin", "Omar", "Tyler",
	"Marcus", "Jose", "Brandon", "Anthony", "Malik", "Ryan", "Miguel", "Jason", "Terrence", "Daniel", "Hector", "Sean",
	"Aaron", "Xavier", "Noah", "Juan", "Devon", "Patrick", "Kenji", "Isaiah", "Samuel", "Ricardo", "Wei", "Caleb",
}

var nicknames = [...]string{"Jo", "Sam", "Alex", "Danny", "Liz", "Mo", "Rico", "Tee", "Jay", "Nico", "Bea", "Kit", "Lu", "Dre"}

var lastNames = [...]string{
	"Lopez", "Johnson", "Nguyen", "Washington", "Kowalski", "Garcia", "O'Brien", "Patel", "Robinson", "Kim", "Hernandez",
	"Murphy", "Jackson", "Rivera", "Novak", "Williams", "Okafor", "Martinez", "Brooks", "Chen", "Sullivan", "Davis",
	"Ramirez", "Thompson", "Nowak", "Harris", "Gonzalez", "Walker", "Singh", "Flores", "Mitchell", "Reyes", "Coleman",
	"Torres", "Bennett", "Ali", "Price", "Morales", "Jenkins", "Castillo", "Wright", "Ortiz", "Hughes", "Diaz",
	"Wojcik", "Green", "Santos", "Perry", "Cruz", "Howard", "Vargas", "Ward", "Mendoza", "Simmons", "Ruiz", "Foster",
	"Le", "Bryant", "Alexander", "Zielinski", "Russell", "Ortega", "Griffin", "Herrera", "Hayes", "Medina", "Myers",
}

var streets = [...]string{
	"W Taylor St", "S Halsted St", "W Cermak Rd", "N Milwaukee Ave", "W 18th St", "S Ashland Ave", "W Division St",
	"S Western Ave", "N Damen Ave", "W Roosevelt Rd", "S Pulaski Rd", "W Madison St", "S Racine Ave", "W North Ave",
}
